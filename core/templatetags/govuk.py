"""Template helpers that render the portal's shared GOV.UK components."""

import re
from dataclasses import dataclass

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

BULLET = re.compile(r"^- ")
NUMBERED = re.compile(r"^\d+\. ")
CAPTION_SIZES = {"", "s", "m", "l", "xl", "hidden"}


@dataclass(frozen=True)
class HeadCell:
    text: str
    numeric: bool = False
    hidden: bool = False


def head_cells(head: str) -> list[HeadCell]:
    """Column headings written as "Name|Figures:numeric|Send back:hidden".

    Numeric columns align right; a hidden heading is read out by screen readers only, for
    a column of buttons or links that need no heading on screen.
    """
    cells = []
    for text in head.split("|"):
        text, _, kind = text.partition(":")
        cells.append(HeadCell(text.strip(), numeric=kind == "numeric", hidden=kind == "hidden"))
    return cells


@register.simple_block_tag
def govuk_table(
    content, *, table_id: str, caption: str, head: str, caption_size: str = "", classes: str = ""
):
    """A GOV.UK table in a scrolling region named by its caption; the rows are the tag's content.

    ``head`` lists the column headings (see head_cells); ``caption_size`` is s, m, l, xl, or
    hidden for a caption only screen readers announce.
    """
    if caption_size not in CAPTION_SIZES:
        raise template.TemplateSyntaxError(f"caption_size must be one of {sorted(CAPTION_SIZES)}")
    return render_to_string(
        "includes/table.html",
        {
            "table_id": table_id,
            "caption": caption,
            "caption_size": caption_size,
            "classes": classes,
            "head": head_cells(head),
            "body": content,
        },
    )


@register.filter
def govuk_text(text: str):
    """Render stored text: blank lines part paragraphs, '- ' and '1. ' lines make lists."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text or "") if block.strip()]
    html = []
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if all(BULLET.match(line) for line in lines):
            items = ((BULLET.sub("", line),) for line in lines)
            html.append(
                format_html(
                    '<ul class="govuk-list govuk-list--bullet">{}</ul>',
                    format_html_join("", "<li>{}</li>", items),
                )
            )
        elif all(NUMBERED.match(line) for line in lines):
            # A list can continue after a paragraph ("1. ...", "OR", "2. ..."), so keep its numbers.
            items = ((NUMBERED.sub("", line),) for line in lines)
            start = int(NUMBERED.match(lines[0]).group(0).rstrip(". "))
            html.append(
                format_html(
                    '<ol class="govuk-list govuk-list--number" start="{}">{}</ol>',
                    start,
                    format_html_join("", "<li>{}</li>", items),
                )
            )
        else:
            html.append(format_html('<p class="govuk-body">{}</p>', " ".join(lines)))
    # Every block was built with format_html, which escaped the stored text.
    return mark_safe("".join(html))  # noqa: S308


TREND_SYMBOLS = {"improving": "▲", "worsening": "▼", "up": "▲", "down": "▼", "no_change": "▶"}


@register.simple_tag
def govuk_tag(choice):
    """A choice as a GOV.UK tag: its label says what it means, its ``tag_colour`` only repeats it.

    Every choices class shown as a tag decides its own colours (a ``tag_colour`` property), so a
    value has one colour wherever it appears.
    """
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', choice.tag_colour, choice.label)


@register.simple_tag
def rag_tag(rag):
    """A RAG status as a tag whose words carry the meaning; the colour only repeats it."""
    return govuk_tag(rag)


@register.simple_tag
def figure_status_tag(figure):
    if figure is None:
        return format_html('<strong class="govuk-tag govuk-tag--grey">{}</strong>', "Not entered")
    return govuk_tag(type(figure).Status(figure.status))


@register.simple_tag
def trend_text(trend, compared_with: str = ""):
    """Direction of travel in words, with a decorative arrow hidden from screen readers."""
    symbol = TREND_SYMBOLS.get(trend.value)
    words = (
        trend.label
        if not compared_with or trend.value == "not_comparable"
        else f"{trend.label} {compared_with}"
    )
    if symbol:
        return format_html('<span aria-hidden="true">{}</span> {}', symbol, words)
    return words


@register.simple_tag
def figure_value(indicator, value):
    return indicator.format_value(value)
