"""The demo's published statistics: DfE's real files, mapped to the demo strategy's indicators."""

from pathlib import Path

from indicators.choices import Polarity, Unit
from indicators.models import CatalogueEntry

from .models import PublishedMeasure
from .services import (
    definition_version_add,
    measure_create,
    neighbours_import,
    published_file_import,
    published_file_upload,
)

DATA_DIR = Path(__file__).resolve().parent / "data" / "dfe"
PLACEMENT_STABILITY_FILE = DATA_DIR / "la_cla_placement_stability.csv"
CARE_LEAVERS_FILE = DATA_DIR / "la_care_leavers_accommodation_suitability.csv"
CHILDREN_LOOKED_AFTER_FILE = DATA_DIR / "cla_number_and_rate_per_10k_children.csv"
NEIGHBOURS_FILE = DATA_DIR / "New_Statistical_Neighbour_Groupings_April_2021.csv"

LONG_TERM_CLA = "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years"

# file, title, catalogue entry code, mapping
DEMO_MEASURES = [
    (
        PLACEMENT_STABILITY_FILE,
        "Children looked after with 3 or more placements during the year",
        "cla-placements-3-plus",
        {
            "row_filters": {
                "cla_group": "CLA on 31 March",
                "placement_stability": "With 3 or more placements during the year",
            },
            "total_filters": {"cla_group": "CLA on 31 March", "placement_stability": "Total children"},
            "count_column": "children_count",
            "denominator_column": "",
            "value_column": "children_percent",
            "unit": Unit.PERCENTAGE,
            "polarity": Polarity.LOWER_IS_BETTER,
        },
    ),
    (
        PLACEMENT_STABILITY_FILE,
        "Children looked after for 2.5 years or more living with the same carer for at least 2 years",
        "cla-long-term-stability",
        {
            "row_filters": {
                "cla_group": LONG_TERM_CLA,
                "placement_stability": "Living with the same carer for at least 2 years",
            },
            "total_filters": {"cla_group": LONG_TERM_CLA, "placement_stability": "Total children"},
            "count_column": "children_count",
            "denominator_column": "",
            "value_column": "children_percent",
            "unit": Unit.PERCENTAGE,
            "polarity": Polarity.HIGHER_IS_BETTER,
        },
    ),
    (
        CARE_LEAVERS_FILE,
        "Care leavers aged 19 to 21 in suitable accommodation",
        "care-leavers-19-21-suitable-accommodation",
        {
            "row_filters": {
                "care_leaver_age": "19 to 21 years",
                "breakdown": "Accommodation considered suitable",
            },
            "total_filters": {"care_leaver_age": "19 to 21 years", "breakdown": "Suitability total"},
            "count_column": "care_leaver_count",
            "denominator_column": "",
            "value_column": "care_leaver_percent",
            "unit": Unit.PERCENTAGE,
            "polarity": Polarity.HIGHER_IS_BETTER,
        },
    ),
    (
        CHILDREN_LOOKED_AFTER_FILE,
        "Children looked after on 31 March, per 10,000 children",
        None,
        {
            "row_filters": {"population_type": "Children looked after on 31 March each year"},
            "total_filters": {},
            "count_column": "children_count",
            "denominator_column": "population_estimate",
            "value_column": "rate_per_10000",
            "unit": Unit.RATE_PER_10000,
            "polarity": Polarity.NO_DIRECTION,
        },
    ),
]


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
    """Import the four DfE files with their mappings; safe to run again. Returns the measures mapped."""
    neighbours_import(published_file=upload_path(NEIGHBOURS_FILE))
    files = {}
    for path, title, code, mapping in DEMO_MEASURES:
        published_file = files.setdefault(path, upload_path(path))
        if not PublishedMeasure.objects.filter(title=title).exists():
            measure_create(
                published_file=published_file,
                title=title,
                catalogue_entry=CatalogueEntry.objects.filter(code=code).first() if code else None,
                **mapping,
            )
    long_term = PublishedMeasure.objects.get(catalogue_entry__code="cla-long-term-stability")
    if not long_term.definitions.exists():
        for definition, valid_from, valid_to in LONG_TERM_STABILITY_DEFINITIONS:
            definition_version_add(
                measure=long_term, definition=definition, valid_from=valid_from, valid_to=valid_to
            )
    for published_file in files.values():
        published_file_import(published_file=published_file)
    return len(DEMO_MEASURES)
