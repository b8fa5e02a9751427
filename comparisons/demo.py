"""The demo's published statistics: DfE's real files, mapped to the demo strategy's indicators."""

from pathlib import Path

from .models import PublishedMeasure, file_kind
from .packs import STANDARD_PACK, read_pack, standard_pack_load
from .services import (
    definition_version_add,
    neighbours_import,
    published_file_import,
    published_file_upload,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "dfe"
PLACEMENT_STABILITY_FILE = DATA_DIR / "la_cla_placement_stability.csv"
CARE_LEAVERS_FILE = DATA_DIR / "la_care_leavers_accommodation_suitability.csv"
CHILDREN_LOOKED_AFTER_FILE = DATA_DIR / "cla_number_and_rate_per_10k_children.csv"
NEIGHBOURS_FILE = DATA_DIR / "New_Statistical_Neighbour_Groupings_April_2021.csv"

CONVICTIONS_AND_HEALTH_FILE = DATA_DIR / "la_conviction_health_outcome_cla_2025.csv"
NEW_PLACEMENTS_FILE = DATA_DIR / "la_cla_during_year_new_placements_2025.csv"
SOCIAL_WORKERS_FILE = DATA_DIR / "la_cla_swcount.csv"
# The files load_demo imports; the pack's other measures wait for the officer's uploads.
DEMO_FILES = [PLACEMENT_STABILITY_FILE, CARE_LEAVERS_FILE, CHILDREN_LOOKED_AFTER_FILE]
# Shipped DfE files the pack's other measures read (the tests import them).
PACK_FILES = [*DEMO_FILES, CONVICTIONS_AND_HEALTH_FILE, NEW_PLACEMENTS_FILE, SOCIAL_WORKERS_FILE]


def _demo_measures() -> list[tuple]:
    """The shipped pack's measures as (file, title, catalogue code, mapping); the file is None
    where the demo does not ship it."""
    by_kind = {file_kind(path.name): path for path in PACK_FILES}
    entries = []
    for item in read_pack(STANDARD_PACK.read_bytes())["measures"]:
        mapping = {
            name: item[name]
            for name in (
                "row_filters",
                "count_filters",
                "total_filters",
                "count_column",
                "denominator_column",
                "value_column",
                "unit",
                "scale",
                "polarity",
            )
        }
        entries.append((by_kind.get(item["file"]), item["title"], item["catalogue_entry"], mapping))
    return entries


# file, title, catalogue entry code, mapping: the shipped pack, which load_demo loads
DEMO_MEASURES = _demo_measures()


# DfE's long-term stability measure counted the same placement until 2022, and the same carer from 2023.
LONG_TERM_STABILITY_DEFINITIONS = [
    (
        "Children under 16 looked after continuously for at least 2.5 years who had lived in the same "
        "placement for at least 2 years",
        None,
        2022,
    ),
    (
        "Children under 16 looked after continuously for at least 2.5 years who had lived with the same "
        "carer for at least 2 years",
        2023,
        None,
    ),
]


def upload_path(path: Path, user=None):
    return published_file_upload(name=path.name, content=path.read_bytes(), user=user)


def published_statistics_load() -> int:
    """Load the shipped mapping pack and import the demo's DfE files; safe to run again.

    Returns the measures mapped.
    """
    neighbours_import(published_file=upload_path(NEIGHBOURS_FILE))
    standard_pack_load()
    long_term = PublishedMeasure.objects.get(catalogue_entry__code="cla-long-term-stability")
    if not long_term.definitions.exists():
        for definition, valid_from, valid_to in LONG_TERM_STABILITY_DEFINITIONS:
            definition_version_add(
                measure=long_term, definition=definition, valid_from=valid_from, valid_to=valid_to
            )
    for path in DEMO_FILES:
        published_file_import(published_file=upload_path(path))
    return len(DEMO_MEASURES)
