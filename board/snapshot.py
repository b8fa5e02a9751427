"""The frozen contents of an evaluation report, as typed data.

A report stores its snapshot as JSON. Pages, downloads and template tags read it through
these dataclasses, never by string keys. Each stored snapshot carries the version of its shape;
`ReportSnapshot.from_stored` reads every version ever stored, so old reports keep loading.

Version 1 (no "version" key) is the shape of the first reports. Version 2 adds the
version number itself and each indicator's owning organisation by key. Version 3 adds each
indicator's figures by group for its reporting period, with the groups doing notably worse.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

SNAPSHOT_VERSION = 3

# The indicator states that make it an exception the Board is told about.
OFF_TARGET = "red"
OVERDUE = "overdue"
OFF_TRACK_ACTIONS = {"Off track", "At risk"}
WORSENING = "Worsening"


@dataclass(frozen=True)
class SnapshotPeriod:
    code: str
    label: str
    start: str
    end: str


@dataclass(frozen=True)
class FigureRow:
    """One period's figure, its target and its status, as text so no precision is lost."""

    period: str
    code: str
    value: str | None
    numerator: str | None
    denominator: str | None
    target: str | None
    rag: str


@dataclass(frozen=True)
class Comparison:
    """The comparison with other councils published by the Department for Education."""

    measure: str
    year: str
    council_name: str
    council: str
    council_parts: str
    england: str
    region_name: str
    region: str
    neighbour_median: str
    rank: int | None
    ranked_among: int | None
    verdict: str
    verdict_label: str


@dataclass(frozen=True)
class GroupFigure:
    """One group's figure beside the total's, frozen; hidden when small numbers would show."""

    label: str
    value: str | None
    numerator: str | None
    denominator: str | None
    hidden: bool
    gap: str  # the gap to the total in words, polarity aware
    notably_worse: bool  # worse than the total by more than the indicator's threshold, and shown


@dataclass(frozen=True)
class Breakdown:
    """An indicator's figures by one dimension's groups for one period (version 3)."""

    dimension: str
    period: str
    total: str | None
    groups: list[GroupFigure]

    @property
    def notably_worse(self) -> list[GroupFigure]:
        return [group for group in self.groups if group.notably_worse]


@dataclass(frozen=True)
class IndicatorEntry:
    reference: str
    title: str
    unit: str
    polarity: str
    owner: str
    counts_children: bool
    rag: str
    rag_label: str
    trend_previous: str
    trend_year: str
    data_status: str
    latest_period: str
    rows: list[FigureRow]
    comparison: Comparison | None = None
    owner_id: int | None = None  # version 2; the first reports named the owner only
    # Version 2: the rating of the latest verified figure and the timeliness of the figure due,
    # apart, so "overdue" never stands in for a rating.
    rating: str = ""
    rating_label: str = ""
    timeliness: str = ""
    # Version 2: the figures the chart covers, oldest first: the last eight quarters or five years.
    history: list[FigureRow] = dataclasses.field(default_factory=list)
    # Version 3: the figures by group of the reporting period.
    breakdowns: list[Breakdown] = dataclasses.field(default_factory=list)

    @property
    def groups_notably_worse(self) -> list[tuple[Breakdown, GroupFigure]]:
        return [(breakdown, group) for breakdown in self.breakdowns for group in breakdown.notably_worse]

    @property
    def chart_rows(self) -> list[FigureRow]:
        return self.history or self.rows

    @property
    def is_off_target(self) -> bool:
        return (self.rating or self.rag) == OFF_TARGET

    @property
    def is_worsening(self) -> bool:
        return WORSENING in (self.trend_previous, self.trend_year)

    @property
    def is_exception(self) -> bool:
        """Off target or worsening: the Board is told why and what is being done."""
        return self.is_off_target or self.is_worsening


@dataclass(frozen=True)
class LatestUpdate:
    as_of: str
    note: str


@dataclass(frozen=True)
class ActionEntry:
    reference: str
    text: str
    lead: str
    status: str
    due_date: str | None
    overdue: bool
    latest_update: LatestUpdate | None = None

    @property
    def is_off_track(self) -> bool:
        return self.overdue or self.status in OFF_TRACK_ACTIONS


@dataclass(frozen=True)
class RatingCounts:
    """How many indicators are on, near or off target, or cannot be rated."""

    on_target: int = 0
    near_target: int = 0
    off_target: int = 0
    no_target: int = 0
    no_data: int = 0

    @classmethod
    def of(cls, entries: list[IndicatorEntry]) -> RatingCounts:
        ratings = [entry.rating or entry.rag for entry in entries]
        return cls(
            on_target=ratings.count("green"),
            near_target=ratings.count("amber"),
            off_target=ratings.count("red"),
            no_target=ratings.count("no_target"),
            no_data=len(ratings) - sum(ratings.count(r) for r in ("green", "amber", "red", "no_target")),
        )


@dataclass(frozen=True)
class ObjectiveEntry:
    number: int
    title: str
    statement: str
    indicators: list[IndicatorEntry]
    actions: list[ActionEntry]

    @property
    def ratings(self) -> RatingCounts:
        return RatingCounts.of(self.indicators)


@dataclass(frozen=True)
class Headline:
    green: int = 0
    amber: int = 0
    red: int = 0
    overdue: int = 0
    no_data: int = 0
    no_target: int = 0
    not_rated: int = 0
    actions: int = 0
    actions_complete: int = 0


@dataclass(frozen=True)
class Completeness:
    organisation: str
    due: int
    verified: int
    percent: int | None


@dataclass(frozen=True)
class ReportSnapshot:
    """Everything a report shows, frozen when the version was compiled."""

    strategy: str
    council: str
    period: SnapshotPeriod
    headline: Headline
    objectives: list[ObjectiveEntry]
    completeness: list[Completeness]
    version: int = SNAPSHOT_VERSION

    @property
    def indicators(self) -> list[IndicatorEntry]:
        return [entry for objective in self.objectives for entry in objective.indicators]

    @property
    def ratings(self) -> RatingCounts:
        return RatingCounts.of(self.indicators)

    @property
    def actions_off_track(self) -> list[ActionEntry]:
        actions = [action for objective in self.objectives for action in objective.actions]
        return [action for action in actions if action.is_off_track]

    @property
    def exceptions(self) -> list[IndicatorEntry]:
        return [entry for entry in self.indicators if entry.is_exception]

    @property
    def disparities(self) -> list[IndicatorEntry]:
        """Indicators with a group doing notably worse than all children."""
        return [entry for entry in self.indicators if entry.groups_notably_worse]

    def objective(self, number: int) -> ObjectiveEntry | None:
        return next((objective for objective in self.objectives if objective.number == number), None)

    def to_stored(self) -> dict:
        """The JSON to store; `from_stored` reads it back."""
        return _stored(self)

    @classmethod
    def from_stored(cls, data: dict) -> ReportSnapshot:
        """Read a stored snapshot of any version."""
        version = data.get("version", 1)
        if version > SNAPSHOT_VERSION:
            raise ValueError(f"This report was stored by a newer portal (snapshot version {version})")
        known_headline = {f.name for f in dataclasses.fields(Headline)}
        return cls(
            version=SNAPSHOT_VERSION,
            strategy=data.get("strategy", ""),
            council=data.get("council", ""),
            period=SnapshotPeriod(**data["period"]),
            headline=Headline(
                **{
                    key: int(value)
                    for key, value in data.get("headline", {}).items()
                    if key in known_headline
                }
            ),
            objectives=[_objective(objective) for objective in data.get("objectives", [])],
            completeness=[Completeness(**row) for row in data.get("completeness", [])],
        )


def _stored(value):
    """As `dataclasses.asdict`, without its deep copies of every value (these are all immutable)."""
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_stored(item) for item in value]
    if dataclasses.is_dataclass(value):
        return {name: _stored(item) for name, item in vars(value).items()}
    return value


def _objective(data: dict) -> ObjectiveEntry:
    return ObjectiveEntry(
        number=int(data["number"]),
        title=data.get("title", ""),
        statement=data.get("statement", ""),
        indicators=[_indicator(entry) for entry in data.get("indicators", [])],
        actions=[_action(action) for action in data.get("actions", [])],
    )


def _indicator(data: dict) -> IndicatorEntry:
    comparison = data.get("comparison")
    return IndicatorEntry(
        reference=data["reference"],
        title=data.get("title", ""),
        unit=data.get("unit", ""),
        polarity=data.get("polarity", ""),
        owner=data.get("owner", ""),
        counts_children=bool(data.get("counts_children", False)),
        rag=data.get("rag", "no_data"),
        rag_label=data.get("rag_label", ""),
        trend_previous=data.get("trend_previous", ""),
        trend_year=data.get("trend_year", ""),
        data_status=data.get("data_status", ""),
        latest_period=data.get("latest_period", ""),
        rows=[_row(row) for row in data.get("rows", [])],
        comparison=Comparison(**comparison) if comparison else None,
        owner_id=data.get("owner_id"),
        **_rating_and_timeliness(data),
        history=[_row(row) for row in data.get("history", [])],
        breakdowns=[_breakdown(breakdown) for breakdown in data.get("breakdowns", [])],
    )


def _breakdown(data: dict) -> Breakdown:
    return Breakdown(
        dimension=data["dimension"],
        period=data.get("period", ""),
        total=data.get("total"),
        groups=[GroupFigure(**group) for group in data.get("groups", [])],
    )


def _row(row: dict) -> FigureRow:
    return FigureRow(
        period=row["period"],
        code=row.get("code") or row["period"],  # the first reports had no period code
        value=row.get("value"),
        numerator=row.get("numerator"),
        denominator=row.get("denominator"),
        target=row.get("target"),
        rag=row.get("rag", ""),
    )


def _rating_and_timeliness(data: dict) -> dict:
    if "rating" in data:
        return {key: data[key] for key in ("rating", "rating_label", "timeliness")}
    # The first reports kept one status, where "overdue" replaced the rating it hid.
    if data.get("rag") == OVERDUE:
        return {"rating": "not_rated", "rating_label": "Not known", "timeliness": "Overdue"}
    return {"rating": data.get("rag", "no_data"), "rating_label": data.get("rag_label", ""), "timeliness": ""}


def _action(data: dict) -> ActionEntry:
    update = data.get("latest_update")
    return ActionEntry(
        reference=data["reference"],
        text=data.get("text", ""),
        lead=data.get("lead", ""),
        status=data.get("status", ""),
        due_date=data.get("due_date"),
        overdue=bool(data.get("overdue", False)),
        latest_update=LatestUpdate(as_of=update["as_of"], note=update["note"]) if update else None,
    )
