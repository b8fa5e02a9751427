from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from objectives.models import Objective, Strategy
from objectives.selectors import officer_attention, organisation_work

from .roles import Role


def home(request):
    """Each person's starting page: what their roles need first."""
    user = request.user
    strategy = Strategy.objects.current()
    context = {"strategy": strategy, "roles": user.role_names}
    if strategy is None:
        return render(request, "portal/home.html", context)
    if user.has_perm("objectives.manage_strategy"):
        context["attention"] = officer_attention(strategy)
    if user.has_role(Role.CONTRIBUTOR) and user.organisation_id:
        context["organisation"] = user.organisation
        context |= organisation_work(strategy, user.organisation)
    if user.has_perm("objectives.view_strategy"):
        context["objectives"] = list(Objective.objects.filter(strategy=strategy).with_progress())
        context["duties"] = list(strategy.duties.all())
    return render(request, "portal/home.html", context)


def account(request):
    return render(request, "portal/account.html")


@login_not_required
def accessibility_statement(request):
    return render(request, "portal/accessibility.html")
