"""The officer's pages for breakdowns: the dimensions, their groups, and each indicator's."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render

from core.forms import posted_data
from core.versions import EditConflict

from .breakdown_forms import DimensionForm, GroupForm, IndicatorDimensionsForm
from .breakdowns import dimension_save, group_save, indicator_dimensions_set
from .models import BreakdownDimension, BreakdownGroup, PerformanceIndicator

OFFICER = "objectives.manage_strategy"


def _saved(form, save, **arguments) -> bool:
    """Run a versioned save, putting a conflict or a refusal on the form; True when it saved."""
    try:
        save(**arguments, expected_version=form.version_opened)
    except EditConflict as conflict:
        form.show_conflict(conflict.current)
    except ValidationError as error:
        for name, field_messages in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_messages)
    else:
        return True
    return False


@permission_required(OFFICER, raise_exception=True)
def dimensions(request):
    """Every dimension with its groups, and the indicators broken down by it."""
    found = BreakdownDimension.objects.prefetch_related(
        Prefetch("groups", queryset=BreakdownGroup.objects.order_by("order", "pk")),
        "indicators__indicator__objective",
    )
    return render(request, "indicators/breakdowns/dimensions.html", {"dimensions": list(found)})


@permission_required(OFFICER, raise_exception=True)
def dimension_edit(request, pk: int | None = None):
    dimension = get_object_or_404(BreakdownDimension, pk=pk) if pk else BreakdownDimension()
    form = DimensionForm(posted_data(request), instance=dimension)
    if request.method == "POST" and form.is_valid() and _saved(form, dimension_save, dimension=form.instance):
        messages.success(request, f"{form.instance.name} has been saved.")
        return redirect("indicators:breakdowns")
    return render(
        request, "indicators/breakdowns/dimension_form.html", {"form": form, "dimension": dimension}
    )


@permission_required(OFFICER, raise_exception=True)
def group_edit(request, dimension_pk: int, pk: int | None = None):
    dimension = get_object_or_404(BreakdownDimension, pk=dimension_pk)
    group = get_object_or_404(BreakdownGroup, pk=pk, dimension=dimension) if pk else BreakdownGroup()
    form = GroupForm(posted_data(request), instance=group, dimension=dimension)
    if request.method == "POST" and form.is_valid() and _saved(form, group_save, group=form.instance):
        messages.success(request, f"{dimension.name}: {form.instance.label} has been saved.")
        return redirect("indicators:breakdowns")
    return render(
        request,
        "indicators/breakdowns/group_form.html",
        {"form": form, "dimension": dimension, "group": group},
    )


@permission_required(OFFICER, raise_exception=True)
def indicator_breakdowns(request, pk: int):
    indicator = get_object_or_404(PerformanceIndicator.objects.select_related("objective"), pk=pk)
    form = IndicatorDimensionsForm(
        posted_data(request),
        initial={
            "dimensions": list(BreakdownDimension.objects.filter(indicators__indicator=indicator)),
            "disparity_threshold": indicator.disparity_threshold,
        },
        version=indicator.edit_version,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _saved(
            form,
            indicator_dimensions_set,
            indicator=indicator,
            dimensions=list(form.cleaned_data["dimensions"]),
            disparity_threshold=form.cleaned_data["disparity_threshold"],
        )
    ):
        messages.success(request, f"The breakdowns of {indicator.reference} have been saved.")
        return redirect(indicator)
    return render(
        request, "indicators/breakdowns/indicator_form.html", {"form": form, "indicator": indicator}
    )
