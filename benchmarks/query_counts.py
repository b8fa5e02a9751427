"""Query counts and timings of the main pages as the strategy grows.

Run with ``make benchmark``. It builds strategies of increasing size in a
throwaway database, opens each page as the officer, and prints for each page
the queries and milliseconds at every size, with the ratio of the largest to
the smallest measured in this one run. A query ratio of 1.00 means the page's
query count does not grow with the data.
"""

import datetime
import os
import sys
import time
from decimal import Decimal  # noqa: E402
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

SIZES = [4, 16, 64]  # objectives; each has 5 actions and 4 indicators, each with 12 quarterly figures
FIGURES_PER_INDICATOR = 12
REPEATS = 5
PAGES = [
    "home",
    "objectives:overview",
    "objectives:detail",
    "indicators:list",
    "indicators:detail",
    "board:overview",
]


def build(size: int):
    from board.models import BoardSeat
    from indicators.models import Figure, PerformanceIndicator, Target
    from indicators.periods import Period
    from objectives.models import Action, Objective, Organisation, Strategy

    Strategy.objects.all().delete()
    organisation, _ = Organisation.objects.get_or_create(
        key="bench", defaults={"name": "Bench", "kind": "partner"}
    )
    strategy = Strategy.objects.create(
        slug=f"bench-{size}",
        title="Strategy",
        council="Bench",
        period_start=2025,
        period_end=2028,
        overall_aim="Aim",
    )
    for number in range(1, size + 1):
        objective = Objective.objects.create(
            strategy=strategy, number=number, title=f"O{number}", statement="S"
        )
        actions = Action.objects.bulk_create(
            Action(objective=objective, position=p, text=f"A{p}", lead=organisation) for p in range(1, 6)
        )
        for position in range(1, 5):
            indicator = PerformanceIndicator.objects.create(
                objective=objective,
                position=position,
                title=f"I{position}",
                unit="count",
                polarity="higher",
                frequency="quarterly",
                owner=organisation,
            )
            indicator.actions.set(actions[:2])
            period = Period.containing("quarterly", datetime.date.today()).previous()
            figures, targets = [], []
            for _ in range(FIGURES_PER_INDICATOR):
                fields = {
                    "indicator": indicator,
                    "frequency": "quarterly",
                    "period_start": period.start,
                    "period_end": period.end,
                }
                figures.append(Figure(**fields, value=Decimal(position * 10), status="verified"))
                targets.append(Target(**fields, value=Decimal(position * 10 + 5)))
                period = period.previous()
            Figure.objects.bulk_create(figures)
            Target.objects.bulk_create(targets)
        BoardSeat.objects.create(strategy=strategy, position=number, role="Member", organisation=organisation)
    return strategy


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    query_count = len(queries.captured_queries)  # read now: the next request clears the log
    started = time.perf_counter()
    for _ in range(REPEATS):
        client.get(url)
    return query_count, (time.perf_counter() - started) * 1000 / REPEATS


def main():
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from portal.models import User
        from portal.roles import Role, group_for

        officer = User.objects.create_user("bench-officer", password="bench-password-long-enough")
        officer.groups.set([group_for(Role.OFFICER)])
        client = Client()
        client.force_login(officer)
        results = {page: [] for page in PAGES}
        for size in SIZES:
            strategy = build(size)
            objective = strategy.objectives.last()
            kwargs = {
                "objectives:detail": {"number": objective.number},
                "indicators:detail": {"pk": objective.indicators.last().pk},
            }
            for page in PAGES:
                results[page].append(measure(client, reverse(page, kwargs=kwargs.get(page, {}))))
        shape = f"each with 5 actions and 4 indicators of {FIGURES_PER_INDICATOR} figures"
        print(f"Sizes (objectives, {shape}): {SIZES}")
        print(
            f"{'page':<22}"
            + "".join(f"{'q@' + str(s):>8}{'ms@' + str(s):>9}" for s in SIZES)
            + f"{'query ratio':>13}{'time ratio':>12}"
        )
        for page, rows in results.items():
            cells = "".join(f"{q:>8}{ms:>9.1f}" for q, ms in rows)
            print(f"{page:<22}{cells}{rows[-1][0] / rows[0][0]:>13.2f}{rows[-1][1] / rows[0][1]:>12.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
