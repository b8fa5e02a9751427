"""The import previews are typed: pages read them through their fields, never by string keys."""

import re
from pathlib import Path

from django.conf import settings

from comparisons.services import ImportPlan, MeasurePreview, MeasureRows
from indicators.choices import Frequency, Unit
from indicators.imports import ImportCounts, ImportPreview, ImportRow, preview_import

from . import factories
from .factories import last_ended_period

QUARTER = last_ended_period(Frequency.QUARTERLY)


def test_every_preview_shape_carries_a_version():
    for shape in (ImportPreview, ImportRow, ImportPlan, MeasureRows, MeasurePreview):
        assert shape.VERSION == 1


def test_a_figures_preview_is_read_through_its_fields(contributor):
    objective = factories.ObjectiveFactory(number=2)
    owner = contributor.organisation
    factories.IndicatorFactory(objective=objective, position=1, owner=owner, unit=Unit.COUNT)
    content = f"indicator,period,value\nPI 2.1,{QUARTER.code},12\nPI 9.9,{QUARTER.code},3\n".encode()
    preview = preview_import(name="figures.csv", content=content, user=contributor)
    assert preview.counts == ImportCounts(new=1, changed=0, unchanged=0, skipped=0, error=1)
    assert [(row.reference_as_written, row.period_as_written) for row in preview.rows] == [
        ("PI 2.1", QUARTER.code),
        ("PI 9.9", QUARTER.code),
    ]


def test_no_preview_template_reads_the_raw_row():
    folder = Path(settings.BASE_DIR) / "templates"
    for name in ("indicators/import_preview.html", "comparisons/file.html"):
        assert not re.search(r"\.raw\b", (folder / name).read_text()), name
