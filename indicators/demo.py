"""Demo figures and targets: three years of plausible, clearly labelled data.

The figures are made up. They exist so a new portal shows every dashboard
state: on, near and off target, improving and worsening trends, a figure
awaiting verification, one sent back, and overdue ones.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .choices import Unit
from .models import Figure, FigureChange, PerformanceIndicator, Target
from .periods import Period
from .states import indicator_state_refresh

YEARS = 3
TWO_PLACES = Decimal("0.01")

# A starting level and a yearly change for each unit; lower-is-better indicators fall.
LEVELS = {
    Unit.COUNT: (40, 6),
    Unit.PERCENTAGE: (72, 4),
    Unit.MONEY: (18000, -2500),
    Unit.RATE_PER_10000: (80, -2),
    Unit.YES_NO: (1, 0),
}


# Levels for counts whose scale differs from the default, found by a word in the title.
COUNT_LEVELS = {
    "meetings": (2, 0),
    "business plans": (9, -2),
    "reviews": (55, 3),
    "rewarded": (45, 4),
    "consultation": (50, 5),
    "training uptake": (50, 8),
}


# National measures sit near England's published levels, so the demo reads plausibly beside them.
PERCENTAGE_LEVELS = {
    "3 or more placements": (11, -1),
    "same carer": (70, 2),
    "same placement": (70, 2),
    "health assessment": (88, 2),
    "education, employment or training": (52, 2),
    "suitable accommodation": (86, 1),
}


def _level(indicator: PerformanceIndicator) -> tuple[int, int]:
    title = indicator.title.lower()
    levels = {Unit.COUNT: COUNT_LEVELS, Unit.PERCENTAGE: PERCENTAGE_LEVELS}.get(indicator.unit, {})
    for words, level in levels.items():
        if words in title:
            return level
    return LEVELS[indicator.unit]


def _value(indicator: PerformanceIndicator, step: int, rng: random.Random) -> Decimal:
    start, change = _level(indicator)
    if indicator.unit == Unit.YES_NO:
        return Decimal(1) if step > 0 or rng.random() > 0.5 else Decimal(0)
    per_period = Decimal(change) / Decimal(max(1, 12 // indicator_months(indicator)))
    noise = Decimal(rng.uniform(-0.06, 0.06)) * Decimal(abs(start) or 1)
    value = Decimal(start) + per_period * step + noise
    value = max(value, Decimal(0))
    if indicator.unit == Unit.PERCENTAGE:
        value = min(value, Decimal(99))
    if indicator.unit in (Unit.COUNT,):
        return value.quantize(Decimal(1))
    return value.quantize(TWO_PLACES)


def _target(indicator: PerformanceIndicator, step: int) -> Decimal:
    """A round target a little ahead of the trend."""
    value = _value(indicator, step + 1, random.Random(f"target {indicator.reference}"))
    if indicator.unit == Unit.MONEY:
        return (value / 100).quantize(Decimal(1)) * 100
    return value.quantize(Decimal(1))


def indicator_months(indicator: PerformanceIndicator) -> int:
    return {"monthly": 1, "quarterly": 3, "half_yearly": 6, "annual": 12}[indicator.frequency]


def _periods(indicator: PerformanceIndicator, today: datetime.date) -> list[Period]:
    """The periods of the last three financial years that have ended, oldest first."""
    first = Period.containing(indicator.frequency, datetime.date(today.year - YEARS, today.month, 1))
    periods, period = [], first
    while period.has_ended(today):
        periods.append(period)
        period = period.next()
    return periods


@transaction.atomic
def demo_figures_load(*, strategy, officer, entered_by: dict, today: datetime.date | None = None) -> int:
    """Add demo figures and targets to the strategy's indicators, once.

    ``entered_by`` maps an organisation's id to the person who enters its
    figures; the officer enters the rest and verifies. Returns the number of
    figures made (0 when the demo figures are already there).
    """
    today = today or timezone.localdate()
    if Figure.objects.filter(is_demo=True, indicator__objective__strategy=strategy).exists():
        return 0
    indicators = list(
        PerformanceIndicator.objects.filter(objective__strategy=strategy, computation="").select_related(
            "objective"
        )
    )
    now = timezone.now()
    made = 0
    for number, indicator in enumerate(indicators):
        rng = random.Random(indicator.reference)  # the same demo every time
        periods = _periods(indicator, today)
        enterer = entered_by.get(indicator.owner_id, officer)
        if number == 5:
            periods = periods[:-1]  # this indicator's latest figure is missing, so it is overdue
        for step, period in enumerate(periods):
            value = _value(indicator, step, rng)
            target_value = _target(indicator, step)
            Target.objects.create(
                indicator=indicator,
                frequency=period.frequency,
                period_start=period.start,
                period_end=period.end,
                value=target_value,
                is_demo=True,
            )
            status = Figure.Status.VERIFIED
            is_latest = step == len(periods) - 1
            if is_latest and number == 1:
                status = Figure.Status.SUBMITTED
            if is_latest and number == 3:
                status = Figure.Status.RETURNED
            figure = Figure.objects.create(
                indicator=indicator,
                frequency=period.frequency,
                period_start=period.start,
                period_end=period.end,
                value=value,
                quality=Figure.Quality.GOOD,
                source=indicator.data_source[:300],
                status=status,
                return_reason="The total does not match last quarter's return: please check and resubmit"
                if status == Figure.Status.RETURNED
                else "",
                note="Demo figure",
                is_demo=True,
                version=3 if status == Figure.Status.VERIFIED else 2,
                updated_by=enterer,
                verified_by=officer if status == Figure.Status.VERIFIED else None,
                verified_at=now if status == Figure.Status.VERIFIED else None,
            )
            shown = indicator.format_value(value)
            history = [
                FigureChange(
                    figure=figure,
                    event=FigureChange.Event.CREATED,
                    changed_by=enterer,
                    changed_at=now,
                    new_value=shown,
                    new_status=Figure.Status.DRAFT,
                ),
                FigureChange(
                    figure=figure,
                    event=FigureChange.Event.SUBMITTED,
                    changed_by=enterer,
                    changed_at=now,
                    old_value=shown,
                    new_value=shown,
                    old_status=Figure.Status.DRAFT,
                    new_status=Figure.Status.SUBMITTED,
                ),
            ]
            if status in (Figure.Status.VERIFIED, Figure.Status.RETURNED):
                history.append(
                    FigureChange(
                        figure=figure,
                        event=FigureChange.Event(status),
                        changed_by=officer,
                        changed_at=now,
                        old_value=shown,
                        new_value=shown,
                        old_status=Figure.Status.SUBMITTED,
                        new_status=status,
                        reason=figure.return_reason,
                    )
                )
            FigureChange.objects.bulk_create(history)
            made += 1
    indicator_state_refresh(indicator_ids=[indicator.pk for indicator in indicators])
    return made


# The demo's breakdowns: which adopted national measures are broken down, by what, and each
# group's share of the children and how its rate compares (a factor on the overall rate).
DEMO_BREAKDOWNS = {
    "cla-placements-3-plus": ["age_band", "ethnicity", "uasc"],
    "cla-health-assessment": ["age_band", "ethnicity", "uasc"],
    "care-leavers-19-21-eet": ["sex", "ethnicity", "uasc"],
}
GROUP_SHARES = {
    "age_band": {
        "under-1": (1, 1.0),
        "1-4": (6, 0.8),
        "5-9": (9, 0.9),
        "10-15": (20, 1.1),
        "16-plus": (14, 1.2),
    },
    "sex": {"male": (56, 0.86), "female": (44, 1.18)},
    "ethnicity": {
        "white": (36, 1.0),
        "mixed": (5, 1.1),
        "asian": (2, 0.9),
        "black": (3, 1.3),
        "other": (1, 1.0),
        "refused": (1, 1.0),
    },
    "uasc": {"yes": (4, 1.35), "no": (45, 0.97)},
}
# The report lists a group doing this many points worse than all children.
DEMO_DISPARITY_THRESHOLD = Decimal(5)
DEMO_CHILDREN = {"cla-placements-3-plus": 310, "cla-health-assessment": 225, "care-leavers-19-21-eet": 140}


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, in whole numbers that add up (largest remainder)."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    parts = [int(share) for share in exact]
    by_remainder = sorted(range(len(weights)), key=lambda index: (parts[index] - exact[index], index))
    for index in by_remainder[: total - sum(parts)]:
        parts[index] += 1
    return parts


def _split_numerator(numerator: int, denominators: list[int], factors: list[float]) -> list[int]:
    """Each group's numerator near its rate, never above its denominator, adding up to ``numerator``."""
    rate = numerator / sum(denominators)
    wanted = [min(base, base * rate * factor) for base, factor in zip(denominators, factors, strict=True)]
    parts = [int(share) for share in wanted]
    order = sorted(range(len(parts)), key=lambda index: (parts[index] - wanted[index], index))
    while sum(parts) < numerator:
        index = next(index for index in order if parts[index] < denominators[index])
        parts[index] += 1
        order.append(order.pop(order.index(index)))
    while sum(parts) > numerator:
        index = next(index for index in order[::-1] if parts[index] > 0)
        parts[index] -= 1
        order.insert(0, order.pop(order.index(index)))
    return parts


@transaction.atomic
def demo_breakdowns_load(*, strategy) -> int:
    """Break the demo's adopted national measures down by group, once, with groups that add up.

    Each figure is given a numerator and denominator (its rate derived from them, as a
    contributor's would be), split across each dimension's groups; some groups are small
    enough to be hidden beyond the officer's pages. Returns the number of group figures made.
    """
    from .breakdown_standards import standard_dimensions_ensure
    from .models import BreakdownDimension, BreakdownGroup, FigureGroupValue, IndicatorDimension

    if FigureGroupValue.objects.filter(
        figure__is_demo=True, figure__indicator__objective__strategy=strategy
    ).exists():
        return 0
    standard_dimensions_ensure(BreakdownDimension, BreakdownGroup)
    made = 0
    for code, dimension_codes in DEMO_BREAKDOWNS.items():
        indicator = PerformanceIndicator.objects.filter(
            objective__strategy=strategy, catalogue_entry__code=code
        ).first()
        if indicator is None:
            continue
        if indicator.disparity_threshold is None:
            indicator.disparity_threshold = DEMO_DISPARITY_THRESHOLD
            indicator.save(update_fields=["disparity_threshold"])
        dimensions = list(BreakdownDimension.objects.filter(code__in=dimension_codes))
        for dimension in dimensions:
            IndicatorDimension.objects.get_or_create(
                indicator=indicator,
                dimension=dimension,
                defaults={"order": dimension_codes.index(dimension.code)},
            )
        rng = random.Random(f"breakdowns {code}")
        for figure in Figure.objects.filter(indicator=indicator, is_demo=True).order_by("period_start"):
            denominator = DEMO_CHILDREN[code] + rng.randint(-12, 12)
            numerator = int((figure.value * denominator / 100).quantize(Decimal(1)))
            figure.numerator, figure.denominator = Decimal(numerator), Decimal(denominator)
            figure.value = (Decimal(numerator) / denominator * 100).quantize(TWO_PLACES)
            figure.save(update_fields=["numerator", "denominator", "value"])
            for dimension in dimensions:
                groups = {group.code: group for group in dimension.groups.all()}
                shares = GROUP_SHARES[dimension.code]
                denominators = _split(denominator, [shares[group][0] for group in shares])
                numerators = _split_numerator(numerator, denominators, [shares[group][1] for group in shares])
                FigureGroupValue.objects.bulk_create(
                    FigureGroupValue(
                        figure=figure,
                        group=groups[group],
                        numerator=Decimal(part),
                        denominator=Decimal(base),
                        value=(Decimal(part) / base * 100).quantize(TWO_PLACES),
                    )
                    for group, part, base in zip(shares, numerators, denominators, strict=True)
                    if base
                )
                made += sum(1 for base in denominators if base)
    return made


DEMO_PROFILE_TITLE = "Profile of need: unaccompanied asylum-seeking children"
DEMO_PROFILE_SUMMARY = (
    "Made-up demo figures. Unaccompanied asylum-seeking children are a small group: most of their "
    "figures are hidden beyond the officer's pages. Where they can be shown, read them beside all "
    "children and beside England's figures for the same group."
)


def demo_need_profile_load(*, officer) -> bool:
    """Publish the demo's profile of need for unaccompanied asylum-seeking children, once."""
    from .models import BreakdownGroup, NeedProfile
    from .need_profiles import need_profile_publish, need_profile_save

    group = BreakdownGroup.objects.filter(dimension__code="uasc", code="yes").first()
    if group is None or NeedProfile.objects.filter(group=group).exists():
        return False
    profile = need_profile_save(
        profile=NeedProfile(group=group, title=DEMO_PROFILE_TITLE, summary=DEMO_PROFILE_SUMMARY),
        expected_version=None,
    )
    need_profile_publish(profile=profile, user=officer, expected_version=profile.edit_version)
    return True
