"""What the API sends and accepts, as typed schemas the OpenAPI document is built from."""

import datetime

from ninja import Field, Schema
from pydantic import field_validator


class ErrorOut(Schema):
    detail: str
    errors: list[dict] | None = None


class IndicatorOut(Schema):
    id: int
    reference: str
    objective_number: int
    title: str
    definition: str
    unit: str
    polarity: str
    frequency: str
    owner: str | None
    data_source: str
    counts_children: bool
    computed: bool


class ActionOut(Schema):
    id: int
    objective_number: int
    position: int
    text: str
    lead: str | None
    status: str
    status_label: str
    due_date: datetime.date | None


class ObjectiveOut(Schema):
    id: int
    number: int
    title: str
    statement: str


class StrategyObjectiveOut(ObjectiveOut):
    actions: list[ActionOut]
    indicators: list[IndicatorOut]


class StrategyOut(Schema):
    title: str
    council: str
    period_start: int
    period_end: int
    overall_aim: str
    objectives: list[StrategyObjectiveOut]


class FigureOut(Schema):
    id: int
    indicator_id: int
    indicator: str
    indicator_title: str
    frequency: str
    period: str
    period_label: str
    period_start: datetime.date
    period_end: datetime.date
    unit: str
    value: float | None = Field(description="Empty when the figure is suppressed")
    numerator: float | None
    denominator: float | None
    suppressed: bool = Field(description="A small number, shown as c")
    display: str
    quality: str
    target: float | None
    rag_status: str
    rag_label: str
    verified_at: datetime.datetime | None
    updated_at: datetime.datetime


class PublishedValueOut(Schema):
    id: int
    measure_id: int
    measure: str
    indicator: str | None
    time_period: int
    period_label: str
    geographic_level: str
    area_code: str
    area_name: str
    count: float | None
    denominator: float | None
    value: float | None
    value_symbol: str


class ComparisonOut(Schema):
    measure_id: int
    measure: str
    indicator: str | None
    time_period: int
    period_label: str
    council: float | None
    council_symbol: str
    england: float | None
    region: float | None
    neighbour_median: float | None
    rank: int | None = Field(description="The council's place among itself and its neighbours, 1 the best")
    ranked_among: int
    verdict: str
    verdict_label: str
    definition: str


class MeetingOut(Schema):
    id: int
    date: datetime.date
    start_time: datetime.time | None
    venue: str
    status: str
    minutes_status: str


class ReportOut(Schema):
    id: int
    period: str
    period_start: datetime.date
    period_end: datetime.date
    version: int
    published_at: datetime.datetime | None
    meeting_id: int | None
    meeting_date: datetime.date | None
    url: str


def page_of(item_schema, name: str):
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"items": list[item_schema], "next_cursor": str | None},
            "next_cursor": Field(None, description="Pass as cursor for the next page; empty on the last"),
        },
    )


IndicatorPage = page_of(IndicatorOut, "IndicatorPage")
ActionPage = page_of(ActionOut, "ActionPage")
ObjectivePage = page_of(ObjectiveOut, "ObjectivePage")
FigurePage = page_of(FigureOut, "FigurePage")
PublishedValuePage = page_of(PublishedValueOut, "PublishedValuePage")
ComparisonPage = page_of(ComparisonOut, "ComparisonPage")
MeetingPage = page_of(MeetingOut, "MeetingPage")
ReportPage = page_of(ReportOut, "ReportPage")

Number = str | float | int | None


class FigureIn(Schema):
    """One figure, in the import file's columns."""

    indicator: str = Field(
        ..., min_length=1, max_length=50, description="The indicator's reference, like PI 2.3"
    )
    period: str = Field(
        ..., min_length=1, max_length=50, description="Like 2024-05, 2024-25 Q1, 2024-25 H1 or 2024-25"
    )
    value: Number = None
    numerator: Number = None
    denominator: Number = None
    note: str = Field("", max_length=5000)
    quality: str = Field("", max_length=50, description="good, provisional, estimated or incomplete")
    source: str = Field("", max_length=300)

    @field_validator("indicator", "period", "note", "quality", "source")
    @classmethod
    def printable(cls, text: str) -> str:
        if any(ord(character) < 32 and character not in "\t\r\n" for character in text):
            raise ValueError("Remove control characters from the text")
        return text

    @field_validator("value", "numerator", "denominator")
    @classmethod
    def number_text(cls, number):
        if isinstance(number, str) and any(ord(character) < 32 for character in number):
            raise ValueError("Enter a number, like 12 or 45.5")
        return number


class FigureBatchIn(Schema):
    figures: list[FigureIn] = Field(..., min_length=1)


class SavedFigureOut(Schema):
    row: int
    indicator: str
    period: str
    outcome: str = Field(description="new, changed or unchanged")


class BatchOut(Schema):
    saved: int
    unchanged: int
    figures: list[SavedFigureOut]
