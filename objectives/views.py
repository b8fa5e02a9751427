from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from indicators.selectors import performance_by_objective

from .models import Objective, Strategy


def current_strategy_or_404() -> Strategy:
    strategy = Strategy.objects.current()
    if strategy is None:
        raise Http404("No strategy has been loaded yet.")
    return strategy


@permission_required("objectives.view_strategy", raise_exception=True)
def overview(request):
    strategy = current_strategy_or_404()
    objectives = list(strategy.objectives.with_progress().prefetch_related("links"))
    performance = performance_by_objective(strategy, user=request.user)
    for objective in objectives:
        objective.performance = performance[objective.pk]
    return render(
        request,
        "objectives/overview.html",
        {
            "strategy": strategy,
            "sections": list(strategy.sections.all()),
            "key_documents": list(strategy.key_documents.all()),
            "outcomes": list(strategy.outcomes.prefetch_related("every_child_matters")),
            "duties": list(strategy.duties.all()),
            "objectives": objectives,
        },
    )


@permission_required("objectives.view_objective", raise_exception=True)
def detail(request, number: int):
    strategy = current_strategy_or_404()
    objective = get_object_or_404(Objective.objects.with_contents(), strategy=strategy, number=number)
    return render(request, "objectives/detail.html", {"strategy": strategy, "objective": objective})
