"""The national indicator catalogue: standard measures a council can adopt."""

import json
from pathlib import Path

NATIONAL_CATALOGUE = Path(__file__).resolve().parent / "national.json"


def catalogue_entries() -> list[dict]:
    with open(NATIONAL_CATALOGUE, encoding="utf-8") as handle:
        return json.load(handle)["entries"]


def catalogue_load(entry_model) -> int:
    """Create or update the catalogue from its file; ``entry_model`` may be a migration's historical model."""
    for item in catalogue_entries():
        entry_model.objects.update_or_create(
            code=item["code"], defaults={k: v for k, v in item.items() if k != "code"}
        )
    return len(catalogue_entries())
