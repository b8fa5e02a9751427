"""Managing mappings: edit (re-deriving figures from the stored files), retire, bring back, delete.

Every change is recorded in the mapping's history (``MappingChange``) in the same transaction,
and the audit log records it through the models' signals.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from .models import MappingChange, PublishedFile, PublishedMeasure, PublishedValue, file_kind, period_label
from .services import check_mapping, measure_rows, published_table

EDITABLE_FIELDS = (
    "title",
    "row_filters",
    "count_filters",
    "total_filters",
    "count_column",
    "denominator_column",
    "value_column",
    "unit",
    "scale",
    "polarity",
    "catalogue_entry_id",
    "indicator_id",
    "breakdown_column",
    "breakdown_dimension",
    "breakdown_groups",
)


class StaleMapping(ValidationError):
    """Someone else changed the mapping since the form was opened."""


@dataclass
class ImportedFile:
    filename: str
    file_id: int
    years: str
    figures: int


def imported_files(measures) -> dict[int, list[ImportedFile]]:
    """For each mapping, the files it has imported and the years from each (one query)."""
    result = {}
    rows = (
        PublishedValue.objects.filter(measure__in=measures)
        .values("measure_id", "measure__time_identifier", "source_file_id", "source_file__filename")
        .annotate(first=Min("time_period"), last=Max("time_period"), figures=Count("pk"))
        .order_by("measure_id", "first")
    )
    for row in rows:
        identifier = row["measure__time_identifier"]
        first, last = period_label(row["first"], identifier), period_label(row["last"], identifier)
        result.setdefault(row["measure_id"], []).append(
            ImportedFile(
                row["source_file__filename"],
                row["source_file_id"],
                first if first == last else f"{first} to {last}",
                row["figures"],
            )
        )
    return result


def _snapshot(measure: PublishedMeasure) -> dict:
    return {name: getattr(measure, name) for name in EDITABLE_FIELDS}


def _stored_files(measure: PublishedMeasure) -> list[PublishedFile]:
    """The stored files the mapping's figures came from, oldest first."""
    ids = PublishedValue.objects.filter(measure=measure).values("source_file_id").distinct()
    return list(PublishedFile.objects.filter(pk__in=ids).order_by("uploaded_at", "pk"))


def mapping_file(measure: PublishedMeasure) -> PublishedFile | None:
    """The newest stored file the mapping imported, or else of the kinds it belongs to: the file the
    edit form offers breakdown values from."""
    stored = _stored_files(measure)
    if stored:
        return stored[-1]
    for candidate in PublishedFile.objects.filter(kind=PublishedFile.Kind.STATISTICS).defer("content"):
        if file_kind(candidate.filename) in measure.file_kinds:
            return PublishedFile.objects.get(pk=candidate.pk)
    return None


@transaction.atomic
def measure_update(*, measure: PublishedMeasure, version: int, user=None, **changes) -> MappingChange:
    """Change a mapping and re-derive its figures from the stored files it imported, all or nothing.

    Refused (StaleMapping) when the mapping changed since ``version`` was read, and
    (ValidationError) when the changed mapping cannot be right for its files.
    """
    measure = PublishedMeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.version != version:
        raise StaleMapping(
            "Someone else changed this mapping while you were editing it: check their change below, "
            "then make yours again"
        )
    before = _snapshot(measure)
    for name, value in changes.items():
        setattr(measure, name, value)
    measure.full_clean(exclude=["layout_signature"])
    files = _stored_files(measure)
    newest = files[-1] if files else mapping_file(measure)
    if newest is not None:
        check_mapping(measure=measure, table=published_table(newest))
    values = {}
    for published_file in files:
        rows = measure_rows(published_table(published_file), measure, published_file)
        if rows.errors or not rows.values:
            problem = rows.errors[0] if rows.errors else "it matches no rows in it"
            raise ValidationError(
                f"The changed mapping cannot re-derive its figures from {published_file}: {problem}"
            )
        for value in rows.values:
            values[(value.time_period, value.geographic_level, value.area_code, value.group)] = value
    PublishedValue.objects.filter(measure=measure).delete()
    PublishedValue.objects.bulk_create(values.values(), batch_size=2000)
    measure.version += 1
    measure.save()
    return MappingChange.objects.create(
        measure=measure,
        title=measure.title,
        action=MappingChange.Action.EDITED,
        before=before,
        after=_snapshot(measure),
        values_rederived=len(values),
        changed_by=user,
    )


@transaction.atomic
def measure_retire(*, measure: PublishedMeasure, user=None) -> MappingChange:
    """Take a mapping's figures off every page and report card; frozen reports keep what they froze."""
    measure = PublishedMeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.retired_at is not None:
        raise ValidationError("This mapping is already retired")
    measure.retired_at = timezone.now()
    measure.version += 1
    measure.save(update_fields=["retired_at", "version"])
    return MappingChange.objects.create(
        measure=measure, title=measure.title, action=MappingChange.Action.RETIRED, changed_by=user
    )


@transaction.atomic
def measure_restore(*, measure: PublishedMeasure, user=None) -> MappingChange:
    """Bring a retired mapping's figures back."""
    measure = PublishedMeasure.objects.select_for_update().get(pk=measure.pk)
    if measure.retired_at is None:
        raise ValidationError("This mapping is in use already")
    measure.retired_at = None
    measure.version += 1
    measure.save(update_fields=["retired_at", "version"])
    return MappingChange.objects.create(
        measure=measure, title=measure.title, action=MappingChange.Action.RESTORED, changed_by=user
    )


@transaction.atomic
def measure_delete(*, measure: PublishedMeasure, user=None) -> MappingChange:
    """Delete a mapping with its figures; its history keeps what it was."""
    measure = PublishedMeasure.objects.select_for_update().get(pk=measure.pk)
    figures = PublishedValue.objects.filter(measure=measure).count()
    change = MappingChange.objects.create(
        measure=None,
        title=measure.title,
        action=MappingChange.Action.DELETED,
        before=_snapshot(measure),
        values_rederived=figures,
        changed_by=user,
    )
    measure.delete()
    return change
