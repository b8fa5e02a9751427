from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from caching.fragments import page_part_render
from core.forms import posted_data
from core.versions import EditConflict

from .forms import ProgressUpdateForm
from .models import Action, Objective
from .selectors import current_strategy_or_404
from .services import action_progress_record, can_record_progress


@permission_required("objectives.view_strategy", raise_exception=True)
def overview(request):
    strategy = current_strategy_or_404()
    content = page_part_render(
        request,
        template="objectives/overview_content.html",
        context=lambda: overview_context(strategy, user=request.user),
    )
    return render(request, "objectives/overview.html", {"strategy": strategy, "content": content})


def overview_context(strategy, *, user) -> dict:
    objectives = list(strategy.objectives.with_progress().prefetch_related("links"))
    # Indicators are measured above the strategy: their app answers through the app registry.
    indicators = apps.get_app_config("indicators")
    performance = indicators.performance_by_objective(strategy, user=user)
    for objective in objectives:
        objective.performance = performance[objective.pk]
        objective.performance_cells = objective.performance.cells(objective.number)
    return {
        "strategy": strategy,
        "sections": list(strategy.sections.all()),
        "key_documents": list(strategy.key_documents.all()),
        "outcomes": list(strategy.outcomes.prefetch_related("every_child_matters")),
        "duties": list(strategy.duties.all()),
        "objectives": objectives,
        "performance_columns": indicators.performance_columns(),
        "data_as_at": indicators.data_as_at(performance),
        "has_exceptions": any(objective.performance.exceptions for objective in objectives),
        "compared": apps.get_app_config("comparisons").verdict_counts_by_objective(objectives),
    }


@permission_required("objectives.view_objective", raise_exception=True)
def detail(request, number: int):
    strategy = current_strategy_or_404()
    objective = get_object_or_404(Objective.objects.with_contents(), strategy=strategy, number=number)
    return render(request, "objectives/detail.html", {"strategy": strategy, "objective": objective})


@permission_required("objectives.view_action", raise_exception=True)
def action_detail(request, pk: int):
    strategy = current_strategy_or_404()
    action = get_object_or_404(
        Action.objects.select_related("objective", "lead").prefetch_related("indicators__objective"),
        pk=pk,
        objective__strategy=strategy,
    )
    can_update = can_record_progress(request.user, action)
    form = ProgressUpdateForm(
        posted_data(request), initial={"status": action.status}, version=action.edit_version
    )
    if request.method == "POST":
        if not can_update:
            raise PermissionDenied
        if form.is_valid():
            try:
                action_progress_record(
                    action=action,
                    user=request.user,
                    expected_version=form.version_opened,
                    **form.cleaned_data,
                )
            except EditConflict as conflict:
                form.show_conflict(conflict.current)
            else:
                messages.success(request, f"Progress on action {action.reference} has been recorded.")
                return redirect(action)
    updates = action.updates.select_related("recorded_by")
    return render(
        request,
        "objectives/action.html",
        {"action": action, "updates": updates, "form": form if can_update else None, "strategy": strategy},
    )
