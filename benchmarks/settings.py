"""Settings for the load benchmark: the portal's own, plus one minimal page to compare against.

The minimal page lives in the benchmark's URLconf so that no page made for
measuring ships in the portal itself.
"""

import os

from config.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
