from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from indicators.models import PerformanceIndicator
from objectives.models import Action, Objective, Strategy

from .roles import Role


def home(request):
    """Each person's starting page: what their roles need first."""
    user = request.user
    strategy = Strategy.objects.current()
    context = {"strategy": strategy, "roles": user.role_names}
    if strategy is None:
        return render(request, "portal/home.html", context)
    actions = Action.objects.filter(objective__strategy=strategy).select_related("objective", "lead")
    indicators = PerformanceIndicator.objects.filter(objective__strategy=strategy).with_details()
    if user.has_perm("objectives.manage_strategy"):
        context["attention"] = {
            "overdue_actions": list(actions.overdue()),
            "actions_without_lead": list(actions.without_lead()),
            "indicators_without_owner": list(indicators.without_owner()),
            "objectives_without_indicators": list(
                Objective.objects.filter(strategy=strategy, indicators__isnull=True)
            ),
        }
    if user.has_role(Role.CONTRIBUTOR) and user.organisation_id:
        context["organisation"] = user.organisation
        context["owned_indicators"] = list(indicators.owned_by(user.organisation))
        context["led_actions"] = list(actions.led_by(user.organisation))
    if user.has_perm("objectives.view_strategy"):
        context["objectives"] = list(Objective.objects.filter(strategy=strategy).with_progress())
        context["duties"] = list(strategy.duties.all())
    return render(request, "portal/home.html", context)


def account(request):
    return render(request, "portal/account.html")


@login_not_required
def accessibility_statement(request):
    return render(request, "portal/accessibility.html")
