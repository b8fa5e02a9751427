"""Writes to indicator figures: entering, submitting, verifying and sending back.

Every write is checked against the version the person started from, so two
people editing one figure cannot silently overwrite each other, and every
write adds an entry to the figure's history.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.versions import version_claim
from outbox.services import job_schedule

from .breakdowns import (
    breakdown_text,
    group_values_clean,
    group_values_of,
    group_values_write,
    indicator_dimensions,
)
from .choices import Unit
from .models import Figure, FigureChange, PerformanceIndicator, ReopenRequest, Target
from .periods import Period
from .states import indicator_state_refresh

SCALE = {Unit.PERCENTAGE: Decimal(100), Unit.RATE_PER_10000: Decimal(10000)}
TWO_PLACES = Decimal("0.01")
# Figures are stored with 12 digits before the decimal point.
TOO_LARGE = Decimal(10) ** 12
TOO_LARGE_MESSAGE = "Enter a number smaller than 1,000,000,000,000"
EDITABLE_FIELDS = ["value", "numerator", "denominator", "note", "quality", "source"]


class FigureConflict(Exception):
    """Someone else saved the figure after this person opened it."""

    def __init__(self, current: Figure):
        super().__init__("The figure changed since it was opened")
        self.current = current


def period_errors(*, indicator: PerformanceIndicator, period: Period, today: datetime.date) -> list[str]:
    if period.frequency != indicator.frequency:
        frequency = indicator.get_frequency_display().lower()
        return [f"This indicator is reported {frequency}: enter a {frequency} period"]
    if not period.has_ended(today):
        return [f"{period.label} has not ended yet: enter figures once the period is over"]
    return []


def figure_values_clean(
    *,
    indicator: PerformanceIndicator,
    value: Decimal | None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
) -> dict[str, Decimal | None]:
    """Check a figure against its indicator's unit, deriving a rate from its parts.

    Raises ValidationError with messages that say what to do, keyed by field.
    """
    errors = {}
    for name, part in (("numerator", numerator), ("denominator", denominator)):
        if part is not None and abs(part) >= TOO_LARGE:
            errors[name] = TOO_LARGE_MESSAGE
    if not errors and (numerator is not None or denominator is not None):
        if not indicator.has_parts:
            errors["numerator"] = (
                "Only percentages and rates have a numerator and denominator: enter the figure"
            )
        elif numerator is None:
            errors["numerator"] = "Enter the numerator, or clear the denominator"
        elif denominator is None:
            errors["denominator"] = "Enter the denominator, or clear the numerator"
        elif denominator <= 0:
            errors["denominator"] = "Enter a denominator greater than 0"
        elif numerator < 0:
            errors["numerator"] = "Enter a numerator of 0 or more"
        elif indicator.unit == Unit.PERCENTAGE and numerator > denominator:
            errors["numerator"] = "The numerator cannot be more than the denominator"
        else:
            derived = numerator / denominator * SCALE[indicator.unit]
            value = derived.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
    if not errors:
        error = value_error(indicator, value)
        if error:
            errors["value"] = error
    if errors:
        raise ValidationError(errors)
    return {"value": value, "numerator": numerator, "denominator": denominator}


def value_error(indicator: PerformanceIndicator, value: Decimal | None) -> str | None:
    unit = indicator.unit
    if value is None:
        return "Select yes or no" if unit == Unit.YES_NO else "Enter the figure"
    if abs(value) >= TOO_LARGE:
        return TOO_LARGE_MESSAGE
    if unit == Unit.PERCENTAGE and not Decimal(0) <= value <= Decimal(100):
        return "Enter a percentage between 0 and 100"
    if unit == Unit.COUNT and (value < 0 or value != value.to_integral_value()):
        return "Enter a whole number, 0 or more"
    if unit == Unit.MONEY and (value < 0 or value != value.quantize(TWO_PLACES)):
        return (
            "Enter an amount in pounds, 0 or more, with no more than 2 decimal places (for example 1250.50)"
        )
    if unit == Unit.YES_NO and value not in (Decimal(0), Decimal(1)):
        return "Select yes or no"
    if unit == Unit.RATE_PER_10000 and value < 0:
        return "Enter a rate of 0 or more"
    if value != value.quantize(TWO_PLACES):
        return "Enter the figure with no more than 2 decimal places"
    return None


def can_enter_figures_for(user, indicator: PerformanceIndicator) -> bool:
    return not indicator.is_computed and indicator.is_kept_by(user)


def _record(
    figure: Figure,
    *,
    event: str,
    user,
    old_value: str,
    old_status: str,
    reason: str = "",
    breakdown: str = "",
) -> FigureChange:
    return FigureChange.objects.create(
        figure=figure,
        event=event,
        changed_by=user,
        old_value=old_value,
        new_value=figure.indicator.format_value(figure.value),
        old_status=old_status,
        new_status=figure.status,
        reason=reason,
        new_breakdown=breakdown,
    )


@transaction.atomic
def figure_save(
    *,
    indicator: PerformanceIndicator,
    period: Period,
    user,
    values: dict,
    expected_version: int | None,
    today: datetime.date | None = None,
    event: str = FigureChange.Event.EDITED,
    submit: bool = False,
    refresh_state: bool = True,
    group_values: dict[int, dict] | None = None,
) -> Figure:
    """Enter or change one figure. A changed figure is a draft again until submitted.

    ``expected_version`` is the version the person started from (None for a new
    figure); if the figure has moved on since, FigureConflict is raised and
    nothing is saved. ``group_values`` are the figure's parts by group (see
    ``breakdowns.group_values_clean``); None keeps the ones it has, checked against
    the new total. The indicator's state is refreshed in the same transaction,
    unless the caller (an import) refreshes it once for many figures.
    """
    if not can_enter_figures_for(user, indicator):
        raise PermissionDenied
    errors = period_errors(indicator=indicator, period=period, today=today or timezone.localdate())
    if errors:
        raise ValidationError({"period": errors})
    cleaned = figure_values_clean(
        indicator=indicator,
        value=values.get("value"),
        numerator=values.get("numerator"),
        denominator=values.get("denominator"),
    )
    figure = (
        Figure.objects.select_for_update()
        .select_related("indicator")
        .filter(indicator=indicator, frequency=period.frequency, period_start=period.start)
        .first()
    )
    is_new = figure is None
    if is_new:
        if expected_version is not None:
            raise FigureConflict(Figure(indicator=indicator, version=0))
        figure = Figure(indicator=indicator)
        figure.set_period(period)
        old_value, old_status = "", ""
        event = (
            FigureChange.Event.IMPORTED
            if event == FigureChange.Event.IMPORTED
            else FigureChange.Event.CREATED
        )
    else:
        if expected_version != figure.version:
            raise FigureConflict(figure)
        if not figure.can_be_changed_by(user):
            raise ValidationError(
                {"value": "This figure has been verified: ask the corporate parenting officer to change it"}
            )
        old_value, old_status = indicator.format_value(figure.value), figure.status
    old_groups = {} if is_new else group_values_of(figure)
    new_groups = old_groups if group_values is None else group_values
    if new_groups:
        new_groups = group_values_clean(
            indicator=indicator, dimensions=indicator_dimensions(indicator), total=cleaned, entered=new_groups
        )
    new_values = {**{name: values.get(name, getattr(figure, name)) for name in EDITABLE_FIELDS}, **cleaned}
    new_values["note"] = new_values["note"] or ""
    new_values["source"] = new_values["source"] or ""
    new_values["quality"] = new_values["quality"] or Figure.Quality.GOOD
    changed = (
        is_new
        or any(getattr(figure, name) != new_values[name] for name in EDITABLE_FIELDS)
        or new_groups != old_groups
    )
    if changed:
        for name, value in new_values.items():
            setattr(figure, name, value)
        figure.status = Figure.Status.DRAFT
        figure.return_reason = ""
        figure.verified_at = figure.verified_by = None
        figure.version = 1 if is_new else figure.version + 1
        figure.updated_by = user
        if is_new:
            _insert_new(figure)
        else:
            figure.save()
        group_values_write(figure=figure, values=new_groups)
        _record(
            figure,
            event=event,
            user=user,
            old_value=old_value,
            old_status=old_status,
            breakdown=breakdown_text(indicator=indicator, values=new_groups),
        )
        if old_status == Figure.Status.VERIFIED:
            _close_reopen_requests(figure)
    if submit and figure.status != Figure.Status.SUBMITTED and figure.can_move_to(Figure.Status.SUBMITTED):
        figure = figure_transition(
            figure_id=figure.pk,
            user=user,
            to_status=Figure.Status.SUBMITTED,
            expected_version=figure.version,
            refresh_state=False,
        )
    if refresh_state:
        indicator_state_refresh(indicator_ids=[indicator.pk])
    return figure


def _insert_new(figure: Figure) -> None:
    """Insert a new figure; if someone else entered the same period's first, that is a conflict."""
    try:
        with transaction.atomic():
            figure.save()
    except IntegrityError:
        # Another person's figure for this period was committed while this one was being
        # saved: the unique constraint waited for it. Show theirs beside what this person typed.
        current = (
            Figure.objects.select_for_update(of=("self",))
            .select_related("indicator", "updated_by")
            .filter(indicator=figure.indicator, frequency=figure.frequency, period_start=figure.period_start)
            .first()
        )
        if current is None:
            raise
        raise FigureConflict(current) from None


TRANSITION_EVENTS = {
    Figure.Status.SUBMITTED: FigureChange.Event.SUBMITTED,
    Figure.Status.VERIFIED: FigureChange.Event.VERIFIED,
    Figure.Status.RETURNED: FigureChange.Event.RETURNED,
}


@transaction.atomic
def figure_transition(
    *,
    figure_id: int,
    user,
    to_status: str,
    expected_version: int,
    reason: str = "",
    refresh_state: bool = True,
) -> Figure:
    """Move a figure along draft → submitted → verified, or send it back with a reason.

    The indicator's state is refreshed in the same transaction (unless the caller
    refreshes it once for a batch).
    """
    figure = Figure.objects.select_for_update().select_related("indicator").get(pk=figure_id)
    if to_status in (Figure.Status.VERIFIED, Figure.Status.RETURNED):
        if not user.has_perm("indicators.verify_figure"):
            raise PermissionDenied
    elif not can_enter_figures_for(user, figure.indicator):
        raise PermissionDenied
    if figure.version != expected_version:
        raise FigureConflict(figure)
    if not figure.can_move_to(to_status):
        raise ValidationError(
            f"This figure is {figure.get_status_display().lower()}, so it cannot be "
            f"{Figure.Status(to_status).label.lower()}"
        )
    reason = reason.strip()
    if to_status == Figure.Status.RETURNED and not reason:
        raise ValidationError({"reason": "Enter why you are sending the figure back"})
    old_status = figure.status
    figure.status = to_status
    figure.version += 1
    figure.updated_by = user
    figure.return_reason = reason if to_status == Figure.Status.RETURNED else ""
    if to_status == Figure.Status.VERIFIED:
        figure.verified_at, figure.verified_by = timezone.now(), user
    figure.save()
    value = figure.indicator.format_value(figure.value)
    change = _record(
        figure,
        event=TRANSITION_EVENTS[to_status],
        user=user,
        old_value=value,
        old_status=old_status,
        reason=reason,
    )
    if to_status == Figure.Status.RETURNED:
        job_schedule(task="indicators.tasks.notify_sent_back", arguments={"change_id": change.pk})
    if refresh_state:
        indicator_state_refresh(indicator_ids=[figure.indicator_id])
    return figure


class BatchConflict(Exception):
    """One figure in a batch changed since the page was opened: nothing in the batch was saved."""

    def __init__(self, figure: Figure, message: str):
        super().__init__(message)
        self.figure = figure
        self.message = message


@transaction.atomic
def figures_verify(*, user, versions: dict[int, int]) -> list[Figure]:
    """Verify a batch of submitted figures in one transaction, each checked against its version.

    ``versions`` maps each figure's id to the version the officer saw. If any
    figure has moved on or cannot be verified, BatchConflict names it and no
    figure in the batch is verified.
    """
    if not user.has_perm("indicators.verify_figure"):
        raise PermissionDenied
    verified = []
    for figure_id, version in sorted(versions.items()):
        try:
            verified.append(
                figure_transition(
                    figure_id=figure_id,
                    user=user,
                    to_status=Figure.Status.VERIFIED,
                    expected_version=version,
                    refresh_state=False,
                )
            )
        except FigureConflict as conflict:
            raise BatchConflict(
                conflict.current,
                f"{conflict.current}: someone changed this figure after you opened the page. "
                "Nothing was verified: check the figures and try again.",
            ) from None
        except (Figure.DoesNotExist, ValidationError):
            current = Figure.objects.select_related("indicator__objective").filter(pk=figure_id).first()
            raise BatchConflict(
                current,
                f"{current or 'A figure'} is no longer waiting for verification. "
                "Nothing was verified: check the figures and try again.",
            ) from None
    indicator_state_refresh(indicator_ids=[figure.indicator_id for figure in verified])
    return verified


def _close_reopen_requests(figure: Figure) -> None:
    for request in ReopenRequest.objects.open().filter(figure=figure):
        request.closed_at = timezone.now()
        request.save(update_fields=["closed_at"])


@transaction.atomic
def reopen_request_create(*, figure: Figure, user, reason: str) -> ReopenRequest:
    """A contributor asks the officer to reopen a verified figure of their organisation."""
    if not figure.is_verified or not can_enter_figures_for(user, figure.indicator):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Enter what is wrong with the figure"})
    if ReopenRequest.objects.open().filter(figure=figure).exists():
        raise ValidationError("You have already asked the officer to reopen this figure")
    request = ReopenRequest(figure=figure, requested_by=user, reason=reason)
    request.full_clean()
    request.save()
    job_schedule(task="indicators.tasks.notify_reopen_request", arguments={"request_id": request.pk})
    return request


@transaction.atomic
def targets_set(
    *,
    indicator: PerformanceIndicator,
    targets: dict[Period, Decimal | None],
    amber_tolerance: Decimal | None,
    expected_version: int | None = None,
    change_check_percent: int | None = -1,
) -> None:
    """Set, change or clear the indicator's targets for these periods, and its amber tolerance.

    EditConflict if someone saved the targets since the form was opened at ``expected_version``.
    """
    version_claim(indicator, expected_version=expected_version)
    errors = {}
    for period, value in targets.items():
        if value is not None:
            error = value_error(indicator, value)
            if error:
                errors[period.start.isoformat()] = error.replace("the figure", "the target")
    if amber_tolerance is not None and amber_tolerance < 0:
        errors["amber_tolerance"] = "Enter a tolerance of 0 or more"
    if errors:
        raise ValidationError(errors)
    for period, value in targets.items():
        existing = Target.objects.filter(
            indicator=indicator, frequency=period.frequency, period_start=period.start
        )
        if value is None:
            existing.delete()
        else:
            Target.objects.update_or_create(
                indicator=indicator,
                frequency=period.frequency,
                period_start=period.start,
                defaults={"period_end": period.end, "value": value, "is_demo": False},
            )
    if change_check_percent != -1:  # -1: leave the "Is this right?" threshold as it is
        indicator.change_check_percent = change_check_percent
    indicator.amber_tolerance = amber_tolerance
    # Saved rather than updated so the audit log records the tolerance and threshold changes.
    indicator.save(update_fields=["amber_tolerance", "change_check_percent", "edit_version"])
    indicator_state_refresh(indicator_ids=[indicator.pk])
