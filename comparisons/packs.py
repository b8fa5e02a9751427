"""Mapping packs: a council's mappings as a JSON file, to share them or load DfE's standard ones.

A pack is one JSON object::

    {"format": "published-measure-pack", "version": 1, "measures": [ {...}, ... ]}

with one object per measure: ``title``, ``file`` (the kind of DfE file: its name without
years or ``.csv``), ``unit``, ``scale``, ``polarity``, ``row_filters``, ``count_filters``,
``total_filters``, ``count_column``, ``denominator_column``, ``value_column`` and
``catalogue_entry`` (a national measure's code, or null), and for a measure by group an optional
``breakdown``: ``{"column": ..., "dimension": ..., "groups": {DfE's value: group code}}``.
The README describes each field.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from indicators.choices import Polarity
from indicators.models import CatalogueEntry

from .models import MeasureUnit, PublishedMeasure

PACK_FORMAT = "published-measure-pack"
PACK_VERSION = 1
STANDARD_PACK = Path(__file__).resolve().parent / "data" / "dfe_mapping_pack.json"
TEXT_FIELDS = ("title", "file", "count_column", "denominator_column", "value_column", "scale")
FILTER_FIELDS = ("row_filters", "count_filters", "total_filters")


def _breakdown(measure: PublishedMeasure) -> dict:
    if not measure.breakdown_column:
        return {}
    return {
        "breakdown": {
            "column": measure.breakdown_column,
            "dimension": measure.breakdown_dimension,
            "groups": measure.breakdown_groups,
        }
    }


def mapping_pack_export(measures) -> dict:
    """The mappings as a pack, one object per measure (for the files it was first mapped from)."""
    return {
        "format": PACK_FORMAT,
        "version": PACK_VERSION,
        "measures": [
            {
                "title": measure.title,
                "file": (measure.file_kinds or [""])[0],
                "unit": measure.unit,
                "scale": measure.scale,
                "polarity": measure.polarity,
                "row_filters": measure.row_filters,
                "count_filters": measure.count_filters,
                "total_filters": measure.total_filters,
                "count_column": measure.count_column,
                "denominator_column": measure.denominator_column,
                "value_column": measure.value_column,
                "catalogue_entry": measure.catalogue_entry.code if measure.catalogue_entry else None,
                **_breakdown(measure),
            }
            for measure in measures
        ],
    }


def read_pack(content: bytes) -> dict:
    """The pack in a file, or ValidationError saying what to put right."""
    try:
        pack = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValidationError(
            "The file is not a mapping pack: it must be JSON, as the portal exports it"
        ) from None
    if not isinstance(pack, dict) or pack.get("format") != PACK_FORMAT:
        raise ValidationError(f'The file is not a mapping pack: it must have "format": "{PACK_FORMAT}"')
    if pack.get("version") != PACK_VERSION:
        raise ValidationError(
            f"The pack is version {pack.get('version')}: the portal reads version {PACK_VERSION}"
        )
    if not isinstance(pack.get("measures"), list) or not pack["measures"]:
        raise ValidationError(
            'The pack has no measures: it needs a list "measures" with one object per measure'
        )
    return pack


def _measure_from(item, number: int, entries: dict) -> PublishedMeasure:
    where = f"Measure {number}"
    if not isinstance(item, dict):
        raise ValidationError(f"{where} is not an object with a title, a file, columns and filters")
    for name in TEXT_FIELDS:
        if not isinstance(item.get(name, ""), str):
            raise ValidationError(f"{where}: {name} must be text")
    for name in FILTER_FIELDS:
        filters = item.get(name, {})
        if not isinstance(filters, dict) or not all(
            isinstance(key, str) and isinstance(value, str) for key, value in filters.items()
        ):
            raise ValidationError(f"{where}: {name} must map column headings to values, all text")
    for name in ("title", "file", "value_column"):
        if not item.get(name, "").strip():
            raise ValidationError(f"{where}: enter the {name.replace('_', ' ')}")
    if item.get("unit") not in MeasureUnit.values:
        raise ValidationError(f"{where}: the unit must be one of {', '.join(MeasureUnit.values)}")
    if item.get("polarity") not in Polarity.values:
        raise ValidationError(f"{where}: the polarity must be one of {', '.join(Polarity.values)}")
    breakdown = item.get("breakdown", {})
    if not isinstance(breakdown, dict) or not all(
        isinstance(breakdown.get(name, ""), str) for name in ("column", "dimension")
    ):
        raise ValidationError(
            f'{where}: the breakdown must be an object with a "column", a "dimension" and "groups"'
        )
    groups = breakdown.get("groups", {})
    if not isinstance(groups, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in groups.items()
    ):
        raise ValidationError(
            f"{where}: the breakdown's groups must map the column's values to group codes, all text"
        )
    code = item.get("catalogue_entry")
    if code is not None and code not in entries:
        raise ValidationError(f"{where}: the catalogue has no national measure with the code {code}")
    return PublishedMeasure(
        title=item["title"].strip(),
        layout_signature="",
        file_kinds=[item["file"].strip()],
        row_filters=item.get("row_filters", {}),
        count_filters=item.get("count_filters", {}),
        total_filters=item.get("total_filters", {}),
        count_column=item.get("count_column", ""),
        denominator_column=item.get("denominator_column", ""),
        value_column=item["value_column"],
        unit=item["unit"],
        scale=item.get("scale", ""),
        polarity=item["polarity"],
        catalogue_entry=entries.get(code) if code else None,
        breakdown_column=breakdown.get("column", ""),
        breakdown_dimension=breakdown.get("dimension", ""),
        breakdown_groups=groups,
    )


@transaction.atomic
def mapping_pack_load(*, pack: dict) -> tuple[list[PublishedMeasure], int]:
    """Add a pack's mappings, all or none; returns those added and how many the portal already had.

    A mapping the portal already has (the same title for the same kind of file) is left as it is,
    so loading a pack again changes nothing.
    """
    entries = {entry.code: entry for entry in CatalogueEntry.objects.all()}
    measures = [_measure_from(item, number, entries) for number, item in enumerate(pack["measures"], start=1)]
    existing = {
        (measure.title, kind) for measure in PublishedMeasure.objects.all() for kind in measure.file_kinds
    }
    added, already = [], 0
    for number, measure in enumerate(measures, start=1):
        if (measure.title, measure.file_kinds[0]) in existing:
            already += 1
            continue
        try:
            measure.full_clean(exclude=["layout_signature"])
        except ValidationError as error:
            raise ValidationError(f"Measure {number}: {'; '.join(error.messages)}") from None
        measure.save()
        existing.add((measure.title, measure.file_kinds[0]))
        added.append(measure)
    return added, already


def standard_pack_load() -> tuple[list[PublishedMeasure], int]:
    """Load the pack the portal ships for DfE's standard files on children looked after and care leavers."""
    return mapping_pack_load(pack=read_pack(STANDARD_PACK.read_bytes()))
