"""The profile of need as a document: one group's figures across the strategy's indicators, beside
all children's, the group's direction of travel and England's figure for the same group.

Small numbers are hidden for each reader as on the indicator's own page (``indicators.group_profiles``);
the officer sees them exact. A fixed number of queries however many indicators.
"""

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from indicators.group_profiles import GroupLine, group_lines
from indicators.models import NeedProfile, PerformanceIndicator
from indicators.suppression import suppression_note
from objectives.models import Strategy

from .selectors import GroupFigures, published_values_by_group_for_indicators


@dataclass(frozen=True)
class ProfileLine:
    line: GroupLine
    england: str  # England's published figure for the group, with its year; "" when DfE has none

    @property
    def indicator(self) -> PerformanceIndicator:
        return self.line.indicator


@dataclass(frozen=True)
class NeedProfileDocument:
    profile: NeedProfile
    strategy: Strategy | None
    group_label: str
    dimension_name: str
    lines: tuple[ProfileLine, ...]
    any_hidden: bool
    any_small_base: bool
    hidden_note: str

    @property
    def filename(self) -> str:
        return f"profile-of-need-{self.profile.group.dimension.code}-{self.profile.group.code}.pdf".replace(
            "_", "-"
        )


def need_profile_for_user_or_404(user, pk: int) -> NeedProfile:
    """A profile the user may read: a published one, or any for the officer; 404 otherwise."""
    return get_object_or_404(
        NeedProfile.objects.for_user(user).select_related("group__dimension", "published_by"), pk=pk
    )


def _dimension_key(code: str) -> str:
    """DfE's files and the portal's dimensions may write a code with ``_`` or ``-``: the same code."""
    return code.replace("_", "-")


def englands_latest_by_group(figures: list[GroupFigures]) -> dict[tuple[str, str], str]:
    """England's latest published figure for each (dimension, group), with its year, as text."""
    latest: dict[tuple[str, str], GroupFigures] = {}
    for each in figures:
        key = (_dimension_key(each.dimension), each.group)
        if each.england is not None and (key not in latest or each.time_period > latest[key].time_period):
            latest[key] = each
    shown = {}
    for key, each in latest.items():
        value = each.england
        text = each.measure.format_value(value.value) if value.value is not None else value.value_symbol
        if text:
            shown[key] = f"{text} ({each.period_label})"
    return shown


def england_by_group(indicator: PerformanceIndicator) -> dict[tuple[str, str], str]:
    """England's latest figure for each group of this indicator's published measures by group."""
    figures = published_values_by_group_for_indicators([indicator]).get(indicator.pk, [])
    return englands_latest_by_group(figures)


def need_profile_document(profile: NeedProfile, *, user) -> NeedProfileDocument:
    """The profile's document for this reader: every indicator of the current strategy broken down
    by the group's dimension, with the group's latest verified figure."""
    strategy = Strategy.objects.current()
    indicators = []
    if strategy is not None:
        indicators = list(
            PerformanceIndicator.objects.filter(
                objective__strategy=strategy, breakdowns__dimension_id=profile.group.dimension_id
            ).select_related("objective", "owner", "catalogue_entry")
        )
    lines = group_lines(indicators, group=profile.group, user=user)
    published = published_values_by_group_for_indicators([line.indicator for line in lines])
    key = (_dimension_key(profile.group.dimension.code), profile.group.code)
    shown = tuple(
        ProfileLine(line, englands_latest_by_group(published.get(line.indicator.pk, [])).get(key, ""))
        for line in lines
    )
    return NeedProfileDocument(
        profile=profile,
        strategy=strategy,
        group_label=profile.group.label,
        dimension_name=profile.group.dimension.name,
        lines=shown,
        any_hidden=any(line.line.group.hidden or line.line.total.hidden for line in shown),
        any_small_base=any(line.line.group.small_base for line in shown),
        hidden_note=suppression_note(),
    )
