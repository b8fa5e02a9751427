"""Showing the figures of a frozen report snapshot."""

from decimal import Decimal

from django import template
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from indicators.charts import SeriesPoint, chart_figure_html, series_chart
from indicators.choices import Polarity, RagStatus, Unit
from indicators.models import PerformanceIndicator, format_in_unit
from indicators.suppression import shown_figure

from ..snapshot import FigureRow, IndicatorEntry

register = template.Library()


def _decimal(value):
    return None if value in (None, "") else Decimal(value)


def _shown_value(entry: IndicatorEntry, row: FigureRow, exact: bool) -> tuple[Decimal | None, str]:
    """The row's figure, or None with the symbol shown in its place ("c" when hidden as small)."""
    value = _decimal(row.value)
    if value is None:
        return None, "–"
    if not exact:
        shown = shown_figure(
            value=value,
            counts_children=entry.counts_children,
            numerator=_decimal(row.numerator),
            denominator=_decimal(row.denominator),
        )
        if shown.suppressed:
            return None, shown.symbol
    return value, ""


@register.simple_tag
def snapshot_figure(entry: IndicatorEntry, row: FigureRow, exact: bool) -> str:
    """A snapshot figure in its unit, hidden as "c" when small and the reader is not the officer."""
    value, symbol = _shown_value(entry, row, exact)
    return format_in_unit(value, entry.unit) if value is not None else symbol


@register.simple_tag
def snapshot_value(entry: IndicatorEntry, value: str | None) -> str:
    """A target or other value from the snapshot that is never a count of children."""
    number = _decimal(value)
    return format_in_unit(number, entry.unit) if number is not None else "–"


@register.filter
def rag_class(rag: str) -> str:
    """The tag class of a RAG value frozen in a report; an unknown value shows grey."""
    try:
        return f"govuk-tag--{RagStatus(rag).tag_colour}"
    except ValueError:
        return "govuk-tag--grey"


def _snapshot_series(entry: IndicatorEntry, exact: bool) -> list[SeriesPoint]:
    # A report freezes verified figures only, so every point is drawn as verified.
    return [
        SeriesPoint(row.code, _shown_value(entry, row, exact)[0], _decimal(row.target))
        for row in entry.chart_rows
    ]


def _drawn_series(entry: IndicatorEntry, exact: bool) -> list[SeriesPoint] | None:
    """The series of the entry's chart for this audience, or None when the report draws none:
    it needs two periods or more, with a figure or a target shown in one of them."""
    if len(entry.chart_rows) < 2 or entry.unit == Unit.YES_NO:
        return None
    series = _snapshot_series(entry, exact)
    if any(point.value is not None or point.target is not None for point in series):
        return series
    return None


def _series_chart(entry: IndicatorEntry, series: list[SeriesPoint]):
    polarity = next((value for value, label in Polarity.choices if label == entry.polarity), "")
    indicator = PerformanceIndicator(unit=entry.unit, title=entry.title, polarity=polarity)
    return series_chart(indicator=indicator, series=series, table_note="The table gives the same figures.")


@register.simple_tag
def snapshot_chart(entry: IndicatorEntry, exact: bool):
    """The PI-page chart, drawn from a report's frozen figures for this audience; None when the
    report draws none of the entry."""
    series = _drawn_series(entry, exact)
    return None if series is None else _series_chart(entry, series)


@register.simple_tag
def chart_caption(entry: IndicatorEntry) -> str:
    """The sentence above an indicator's chart: its polarity and, where published, similar
    councils' median."""
    comparison = entry.comparison
    if not comparison:
        return format_html("{}.", entry.polarity)
    return format_html(
        "{}. Similar councils' median {} ({}).",
        entry.polarity,
        comparison.neighbour_median or "not published",
        comparison.year,
    )


def _figures_cell(entry: IndicatorEntry, exact: bool) -> str:
    figures = [
        format_html(
            '<span class="govuk-body-s">{}:</span> {}{}<br>',
            figure.period,
            snapshot_figure(entry, figure, exact),
            format_html(" (target {})", snapshot_value(entry, figure.target)) if figure.target else "",
        )
        for figure in entry.rows
    ]
    return "".join(figures) or "No figures"


def _status_cell(entry: IndicatorEntry) -> str:
    exception = ""
    if entry.is_exception:
        if entry.is_off_target:
            words = "off target and worsening" if entry.is_worsening else "off target"
        else:
            words = "worsening"
        exception = format_html('<br><span class="govuk-body-s">Exception: {}</span>', words)
    return format_html(
        '<strong class="govuk-tag {}">{}</strong>{}',
        rag_class(entry.rating or entry.rag),
        entry.rating_label or entry.rag_label,
        exception,
    )


def _comment_cell(row, report, show_links: bool) -> str:
    entry, text = row.entry, row.comment.text if row.comment else ""
    if text:
        comment = linebreaksbr(text, autoescape=True)
    elif row.needs_comment:
        comment = mark_safe('<strong class="govuk-tag govuk-tag--red">Comment needed</strong>')
    else:
        comment = mark_safe('<span class="govuk-body-s">No comment</span>')
    link = ""
    if row.can_comment and show_links:
        url = reverse("board:report_comment", kwargs={"pk": report.pk, "reference": entry.reference})
        hidden = '<span class="govuk-visually-hidden"> {}</span>'
        words = (
            format_html("Change" + hidden, f"the comment on {entry.reference}")
            if text
            else format_html("Write a comment" + hidden, f"on {entry.reference}")
        )
        link = format_html('<br><a class="govuk-link app-no-print" href="{}">{}</a>', url, words)
    return format_html("{}{}", comment, link)


@register.simple_tag
def indicator_rows(rows, report, exact: bool, show_comment_links: bool = True) -> SafeString:
    """The rows of an objective's indicator table. Written here rather than in a template because
    a report holds hundreds of them, and the template engine made up most of its compile."""
    cell = '<td class="govuk-table__cell">{}</td>'
    html = []
    for row in rows:
        entry = row.entry
        timeliness = (
            mark_safe('<strong class="govuk-tag govuk-tag--pink">Overdue</strong>')
            if entry.timeliness == "Overdue"
            else entry.timeliness or "–"
        )
        html.append(
            format_html(
                '<tr class="govuk-table__row" id="indicator-{}">' + cell * 6 + "</tr>\n",
                slugify(entry.reference),
                format_html(
                    '{} {}<br><span class="govuk-body-s">{}; {}; data: {}</span>',
                    entry.reference,
                    entry.title,
                    entry.owner,
                    entry.polarity.lower(),
                    entry.data_status.lower(),
                ),
                mark_safe(_figures_cell(entry, exact)),  # noqa: S308  built from format_html parts
                _status_cell(entry),
                timeliness,
                f"{entry.trend_previous} on the previous period; "
                f"{entry.trend_year.lower()} on a year earlier",
                _comment_cell(row, report, show_comment_links),
            )
        )
    return mark_safe("".join(html))  # noqa: S308  each row built by format_html


@register.simple_tag
def report_chart_details(entry: IndicatorEntry, report, exact: bool, *, inline: bool, exception: bool) -> str:
    """The closed details holding an indicator's chart, when the report draws one for this
    audience. The page links the chart, which its details fetch when opened; a paper draws it."""
    series = _drawn_series(entry, exact)
    if series is None:
        return ""
    chart_id = slugify(entry.reference) + ("-exception" if exception else "")
    if inline:
        chart = chart_figure_html(_series_chart(entry, series), chart_id)
    else:
        url = reverse("board:report_chart", kwargs={"pk": report.pk, "reference": entry.reference})
        chart = format_html(
            '<p class="govuk-body-s" data-chart-placeholder><a class="govuk-link" href="{}">'
            "Open the chart of {}</a></p>",
            url,
            entry.reference,
        )
    return format_html(
        '<details class="govuk-details">\n'
        '  <summary class="govuk-details__summary"><span class="govuk-details__summary-text">'
        "Chart of {}{}</span></summary>\n"
        '  <div class="govuk-details__text"><p class="govuk-body-s">{}</p>{}</div>\n'
        "</details>\n",
        entry.reference,
        ", an exception" if exception else "",
        chart_caption(entry),
        chart,
    )
