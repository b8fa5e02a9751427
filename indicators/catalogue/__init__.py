"""The national indicator catalogue: standard measures a council can adopt."""

import json
from pathlib import Path

NATIONAL_CATALOGUE = Path(__file__).resolve().parent / "national.json"


def catalogue_entries() -> list[dict]:
    with open(NATIONAL_CATALOGUE, encoding="utf-8") as handle:
        return json.load(handle)["entries"]


def catalogue_load(entry_model, *, dimension_model=None, link_model=None) -> int:
    """Create or update the catalogue from its file; the models may be a migration's historical models.

    With ``dimension_model`` and ``link_model`` (BreakdownDimension and CatalogueDimension), each
    entry is linked to the standard dimensions DfE publishes it by.
    """
    for item in catalogue_entries():
        entry, _ = entry_model.objects.update_or_create(
            code=item["code"], defaults={k: v for k, v in item.items() if k not in ("code", "dimensions")}
        )
        if dimension_model is None or link_model is None:
            continue
        for order, code in enumerate(item.get("dimensions", []), start=1):
            dimension = dimension_model.objects.get(code=code)
            link_model.objects.update_or_create(entry=entry, dimension=dimension, defaults={"order": order})
    return len(catalogue_entries())
