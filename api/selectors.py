"""The reads the API serves: querysets in a stable order, and rows converted for the client.

Only verified figures leave the portal, and small numbers are hidden unless the
token may read exact figures.
"""

import datetime

from django.conf import settings
from django.urls import reverse

from board.models import EvaluationReport, Meeting
from comparisons.layouts import period_label
from comparisons.models import PublishedMeasure, PublishedValue
from comparisons.selectors import comparisons_for_measures
from indicators.models import Figure, PerformanceIndicator, Target
from indicators.suppression import SUPPRESSED, shown_figure
from objectives.models import Action, Objective, Strategy


def _number(value) -> float | None:
    return None if value is None else float(value)


def current_strategy() -> Strategy | None:
    return Strategy.objects.filter(is_current=True).first()


def objectives():
    return Objective.objects.filter(strategy__is_current=True)


def actions():
    return Action.objects.filter(objective__strategy__is_current=True).select_related("objective", "lead")


def indicators(*, reference: str = ""):
    found = PerformanceIndicator.objects.filter(objective__strategy__is_current=True).select_related(
        "objective", "owner"
    )
    return _for_reference(found, reference, prefix="")


def _for_reference(queryset, reference: str, *, prefix: str):
    """Narrow to the indicator with this reference ("PI 2.3" or "2.3"), if one is given."""
    if not reference:
        return queryset
    text = reference.strip().upper().removeprefix("PI").strip()
    number, _, position = text.partition(".")
    if not (number.isdigit() and position.isdigit()) or len(text) > 12:
        return queryset.none()
    return queryset.filter(**{f"{prefix}objective__number": int(number), f"{prefix}position": int(position)})


def verified_figures(
    *,
    reference: str = "",
    period_from: datetime.date | None = None,
    period_to: datetime.date | None = None,
    updated_since: datetime.datetime | None = None,
):
    figures = (
        Figure.objects.verified()
        .filter(indicator__objective__strategy__is_current=True)
        .select_related("indicator__objective")
    )
    figures = _for_reference(figures, reference, prefix="indicator__")
    if period_from:
        figures = figures.filter(period_start__gte=period_from)
    if period_to:
        figures = figures.filter(period_end__lte=period_to)
    if updated_since:
        figures = figures.filter(updated_at__gte=updated_since)
    return figures


def published_values(*, reference: str = "", year_from: int | None = None, year_to: int | None = None):
    values = PublishedValue.objects.totals().select_related("measure__indicator__objective")
    if reference:
        values = values.filter(measure__indicator__in=indicators(reference=reference))
    if year_from is not None:
        values = values.filter(time_period__gte=year_from)
    if year_to is not None:
        values = values.filter(time_period__lte=year_to)
    return values


def published_measures(*, reference: str = ""):
    measures = PublishedMeasure.objects.select_related("indicator__objective")
    if reference:
        measures = measures.filter(indicator__in=indicators(reference=reference))
    return measures


def comparison_rows(measures) -> list[dict]:
    """Each measure's years: the council beside England, its region and its statistical neighbours."""
    rows = []
    for comparison in comparisons_for_measures(measures):
        measure = comparison.measure
        for year in comparison.years:
            verdict = year.verdict
            rows.append(
                {
                    "measure_id": measure.pk,
                    "measure": measure.title,
                    "indicator": measure.indicator.reference if measure.indicator else None,
                    "time_period": year.time_period,
                    "period_label": year.label,
                    "council": _number(year.council_number),
                    "council_symbol": year.council.value_symbol if year.council else "",
                    "england": _number(year.england.value if year.england else None),
                    "region": _number(year.region.value if year.region else None),
                    "neighbour_median": _number(year.neighbour_median),
                    "rank": year.rank,
                    "ranked_among": year.ranked_among,
                    "verdict": verdict.value,
                    "verdict_label": verdict.label,
                    "definition": year.definition.definition if year.definition else "",
                }
            )
    return rows


def meetings(*, date_from: datetime.date | None = None, date_to: datetime.date | None = None):
    found = Meeting.objects.all()
    if date_from:
        found = found.filter(date__gte=date_from)
    if date_to:
        found = found.filter(date__lte=date_to)
    return found


def published_reports(*, updated_since: datetime.datetime | None = None):
    reports = (
        EvaluationReport.objects.filter(status=EvaluationReport.Status.PUBLISHED, strategy__is_current=True)
        .defer("snapshot")
        .select_related("meeting")
    )
    if updated_since:
        reports = reports.filter(published_at__gte=updated_since)
    return reports


def indicator_rows(found) -> list[dict]:
    return [
        {
            "id": indicator.pk,
            "reference": indicator.reference,
            "objective_number": indicator.objective.number,
            "title": indicator.title,
            "definition": indicator.definition,
            "unit": indicator.unit,
            "polarity": indicator.polarity,
            "frequency": indicator.frequency,
            "owner": indicator.owner.name if indicator.owner else None,
            "data_source": indicator.data_source,
            "counts_children": indicator.counts_children,
            "computed": indicator.is_computed,
        }
        for indicator in found
    ]


def objective_rows(found) -> list[dict]:
    return [{"id": o.pk, "number": o.number, "title": o.title, "statement": o.statement} for o in found]


def action_rows(found) -> list[dict]:
    return [
        {
            "id": action.pk,
            "objective_number": action.objective.number,
            "position": action.position,
            "text": action.text,
            "lead": action.lead.name if action.lead else None,
            "status": action.status,
            "status_label": action.get_status_display(),
            "due_date": action.due_date,
        }
        for action in found
    ]


def strategy_tree(strategy: Strategy) -> dict:
    all_objectives = list(strategy.objectives.order_by("number"))
    all_actions = action_rows(actions().order_by("objective__number", "position"))
    all_indicators = indicator_rows(indicators().order_by("objective__number", "position"))
    return {
        "title": strategy.title,
        "council": strategy.council,
        "period_start": strategy.period_start,
        "period_end": strategy.period_end,
        "overall_aim": strategy.overall_aim,
        "objectives": [
            {
                **objective_rows([objective])[0],
                "actions": [row for row in all_actions if row["objective_number"] == objective.number],
                "indicators": [row for row in all_indicators if row["objective_number"] == objective.number],
            }
            for objective in all_objectives
        ],
    }


def figure_rows(found, *, exact: bool) -> list[dict]:
    """Verified figures with their targets and RAG status; small numbers hidden unless exact."""
    found = list(found)
    targets = {
        (target.indicator_id, target.frequency, target.period_start): target.value
        for target in Target.objects.filter(
            indicator_id__in={figure.indicator_id for figure in found},
            period_start__in={figure.period_start for figure in found},
        )
    }
    rows = []
    for figure in found:
        indicator = figure.indicator
        shown = shown_figure(
            value=figure.value,
            counts_children=indicator.counts_children and not exact,
            numerator=figure.numerator,
            denominator=figure.denominator,
        )
        target = targets.get((figure.indicator_id, figure.frequency, figure.period_start))
        rag = indicator.rag(figure.value, target)
        period = figure.period
        rows.append(
            {
                "id": figure.pk,
                "indicator_id": indicator.pk,
                "indicator": indicator.reference,
                "indicator_title": indicator.title,
                "frequency": figure.frequency,
                "period": period.code,
                "period_label": period.label,
                "period_start": figure.period_start,
                "period_end": figure.period_end,
                "unit": indicator.unit,
                "value": None if shown.suppressed else _number(figure.value),
                "numerator": None if shown.suppressed else _number(figure.numerator),
                "denominator": None if shown.suppressed else _number(figure.denominator),
                "suppressed": shown.suppressed,
                "display": SUPPRESSED if shown.suppressed else indicator.format_value(figure.value),
                "quality": figure.quality,
                "target": _number(target),
                "rag_status": rag.value,
                "rag_label": rag.label,
                "verified_at": figure.verified_at,
                "updated_at": figure.updated_at,
            }
        )
    return rows


def published_value_rows(found) -> list[dict]:
    return [
        {
            "id": value.pk,
            "measure_id": value.measure_id,
            "measure": value.measure.title,
            "indicator": value.measure.indicator.reference if value.measure.indicator else None,
            "time_period": value.time_period,
            "period_label": period_label(value.time_period),
            "geographic_level": value.geographic_level,
            "area_code": value.area_code,
            "area_name": value.area_name,
            "count": _number(value.count),
            "denominator": _number(value.denominator),
            "value": _number(value.value),
            "value_symbol": value.value_symbol,
        }
        for value in found
    ]


def meeting_rows(found) -> list[dict]:
    return [
        {
            "id": meeting.pk,
            "date": meeting.date,
            "start_time": meeting.start_time,
            "venue": meeting.venue,
            "status": meeting.status,
            "minutes_status": meeting.minutes_status,
        }
        for meeting in found
    ]


def report_rows(found) -> list[dict]:
    return [
        {
            "id": report.pk,
            "period": report.half_year.code,
            "period_start": report.period_start,
            "period_end": report.period_end,
            "version": report.version,
            "published_at": report.published_at,
            "meeting_id": report.meeting_id,
            "meeting_date": report.meeting.date if report.meeting else None,
            "url": settings.PORTAL_BASE_URL + reverse("board:report", kwargs={"pk": report.pk}),
        }
        for report in found
    ]
