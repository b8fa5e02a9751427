"""A Celery worker whose report compiling pauses after the snapshot is built.

The fault tests start it in its own process (``python -m tests.compile_pause_worker -A config
worker ...``) so that they can stop a worker part way through a compile. The pause is patched
in here, before the worker starts; the portal's own code knows nothing of it.
"""

import os
import sys
import time

COMPILE_PAUSE_VARIABLE = "TEST_COMPILE_PAUSE_SECONDS"


def pause_compiling(seconds: float) -> None:
    from board import reports

    build_snapshot = reports.build_snapshot

    def build_snapshot_then_pause(**kwargs):
        snapshot = build_snapshot(**kwargs)
        time.sleep(seconds)
        return snapshot

    reports.build_snapshot = build_snapshot_then_pause


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    pause_compiling(float(os.environ.get(COMPILE_PAUSE_VARIABLE, "0")))
    from celery.__main__ import main as celery_main

    sys.exit(celery_main())


if __name__ == "__main__":
    main()
