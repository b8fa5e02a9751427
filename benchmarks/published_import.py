"""How long a 4 MB published statistics file takes to import.

Run with ``make benchmark``. It builds a file in DfE's layout from the real
placement-stability file, repeated for earlier years until it passes 4 MB, and
times reading and checking it, the first import, and importing it again (which
changes nothing), in a throwaway database.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

TARGET_BYTES = 4 * 1024 * 1024


def four_megabyte_file() -> bytes:
    from comparisons.demo import PLACEMENT_STABILITY_FILE

    header, *rows = PLACEMENT_STABILITY_FILE.read_bytes().decode("utf-8-sig").splitlines(keepends=True)
    lines, shift = [header], 0
    while sum(len(line) for line in lines) < TARGET_BYTES:
        lines += [str(int(row[:4]) - shift) + row[4:] for row in rows]
        shift += 5
    return "".join(lines).encode("utf-8-sig")


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"{label:<40}{time.perf_counter() - started:>8.2f} s")
    return result


def main():
    from comparisons.demo import DEMO_MEASURES, NEIGHBOURS_FILE, upload_path
    from comparisons.models import PublishedValue
    from comparisons.services import (
        import_plan,
        measure_create,
        neighbours_import,
        published_file_import,
        published_file_upload,
    )

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    settings.PUBLISHED_FILE_MAX_BYTES = 2 * TARGET_BYTES
    try:
        neighbours_import(published_file=upload_path(NEIGHBOURS_FILE))
        content = four_megabyte_file()
        rows = content.count(b"\n") - 1
        print(
            f"File: {len(content) / 1024 / 1024:.1f} MB, {rows:,} rows, in DfE's placement-stability layout"
        )
        published = timed(
            "Upload (read and recognise the layout)",
            lambda: published_file_upload(name="placement-stability-4mb.csv", content=content),
        )
        for _, title, _, mapping in DEMO_MEASURES[:2]:
            measure_create(published_file=published, title=title, **mapping)
        timed("Preview (every mapping checked)", lambda: import_plan(published))
        timed("Import (all or nothing)", lambda: published_file_import(published_file=published))
        timed("Import again (changes nothing)", lambda: published_file_import(published_file=published))
        print(f"Published values saved: {PublishedValue.objects.count():,}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
