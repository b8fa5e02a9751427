"""Reads for the report pages: the frozen snapshot beside the comments written on it."""

from dataclasses import dataclass

from .models import EvaluationReport, IndicatorComment
from .reports import may_comment
from .snapshot import IndicatorEntry, ObjectiveEntry


@dataclass(frozen=True)
class IndicatorRow:
    """One indicator's row of a report: its frozen figures and the comment written on them."""

    entry: IndicatorEntry
    comment: IndicatorComment | None
    can_comment: bool

    @property
    def needs_comment(self) -> bool:
        return self.entry.is_exception and not (self.comment and self.comment.text)


@dataclass(frozen=True)
class ObjectiveSection:
    objective: ObjectiveEntry
    commentary: str
    rows: list[IndicatorRow]


def report_comments(report: EvaluationReport) -> dict[str, IndicatorComment]:
    return {comment.reference: comment for comment in report.indicator_comments.all()}


def report_sections(report: EvaluationReport, user=None) -> list[ObjectiveSection]:
    """Each objective of the snapshot with its commentary and each indicator's comment."""
    comments = report_comments(report)
    return [
        ObjectiveSection(
            objective=objective,
            commentary=report.objective_commentary(objective.number),
            rows=[
                IndicatorRow(
                    entry=entry,
                    comment=comments.get(entry.reference),
                    can_comment=user is not None and may_comment(user, report, entry),
                )
                for entry in objective.indicators
            ],
        )
        for objective in report.data.objectives
    ]


def exception_rows(sections: list[ObjectiveSection]) -> list[IndicatorRow]:
    """The exceptions (off target or worsening), in the order of the report."""
    return [row for section in sections for row in section.rows if row.entry.is_exception]
