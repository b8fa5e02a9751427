"""Load benchmark: the main pages under concurrent load on a large dataset in PostgreSQL.

Run with ``make bench``. It creates a throwaway PostgreSQL database, builds
strategies at 1x, 4x and 16x data with bulk inserts (the 16x one is current:
240 indicators with ten years of monthly figures and targets, 40 Board
meetings, 20 compiled evaluation reports), and then prints:

- each page's query count, measured in-process at 1x and 16x;
- each page's median and 95th percentile latency under concurrent load from
  gunicorn, as ratios to a minimal one-query page served by the same server,
  through the same middleware, to the same signed-in officer, in the same run;
- the time to compile the evaluation report at 1x, 4x and 16x, as ratios to
  1x and to one raw SQL aggregation that yields the same figures (checked);
- the time of ``backup`` and ``restore`` of the whole database beside ``pg_dump``
  and ``pg_restore`` of it (benchmarks/backup_restore.py).

The database is ``BENCH_DATABASE_URL`` (default
postgres://postgres@127.0.0.1:5432/portal_bench); it is dropped and created
again, so its name must contain "bench".
"""

import argparse
import contextlib
import datetime
import http.client
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
SCALES = (1, 4, 16)
OBJECTIVES_PER_SCALE = 3
INDICATORS_PER_OBJECTIVE = 5
ACTIONS_PER_OBJECTIVE = 5
SEATS = 12
MONTHS_OF_FIGURES = 120
EARLIER_STRATEGIES = 2  # at 16x, ten years each, ended before the current one began
MEETINGS = 40
REPORTS = 20
NEWSLETTERS = 60
COLD_REPEATS = 8
COMPILE_REPEATS = 3
SQL_REPEATS = 5
P95_TARGET_RATIO = 2.0
SQL_TARGET_RATIO = 10.0


# --- Setting up: a fresh database and the benchmark's settings ----------------------------------


def recreate_database(url: str) -> None:
    import dj_database_url
    import psycopg2
    from psycopg2 import sql

    config = dj_database_url.parse(url)
    if "postgresql" not in config["ENGINE"]:
        sys.exit("The load benchmark needs PostgreSQL: set BENCH_DATABASE_URL to a postgres:// address.")
    name = config["NAME"]
    if "bench" not in name:
        sys.exit(f"The benchmark drops its database: give it one whose name contains 'bench', not {name!r}.")
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def drop_database(url: str) -> None:
    import dj_database_url
    import psycopg2
    from django.db import connections
    from psycopg2 import sql

    connections.close_all()
    config = dj_database_url.parse(url)
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(config["NAME"]))
        )
    connection.close()


def benchmark_environment(database_url: str, static_root: str) -> dict:
    """Production settings (DEBUG off, manifest static files) over plain HTTP on this machine."""
    environment = dict(os.environ)
    environment.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        DATABASE_URL=database_url,
        BENCH_STATIC_ROOT=static_root,
        DEBUG="false",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_CONN_MAX_AGE="60",
        LOG_LEVEL="WARNING",
    )
    environment.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    environment.pop("REDIS_URL", None)  # the compile runs in this process; no broker is needed
    return environment


# --- Building the data with bulk inserts --------------------------------------------------------


def months_back(today: datetime.date, count: int):
    """The last `count` months that have ended, newest first."""
    from indicators.periods import Period

    period = Period.containing("monthly", today).previous()
    for _ in range(count):
        yield period
        period = period.previous()


def build_strategy(*, scale: int, organisations, today: datetime.date, is_current: bool, slug: str = ""):
    """A strategy with 3 objectives per unit of scale, each with 5 actions and 5 monthly indicators,
    and ten years of figures up to ``today``."""
    from board.models import BoardSeat
    from indicators.models import Figure, PerformanceIndicator, Target
    from objectives.models import Action, ActionUpdate, Objective, Strategy

    generator = random.Random(scale)
    strategy = Strategy.objects.create(
        slug=slug or f"benchmark-{scale}x",
        title=f"Benchmark strategy at {scale}x data" + (f" ({slug})" if slug else ""),
        council="Benchmark Council",
        period_start=today.year - 10,
        period_end=today.year + 1,
        overall_aim="Every child we look after does as well as any other child.",
        is_current=is_current,
    )
    objectives = Objective.objects.bulk_create(
        Objective(
            strategy=strategy, number=n, title=f"Objective {n}", statement=f"What objective {n} is for."
        )
        for n in range(1, OBJECTIVES_PER_SCALE * scale + 1)
    )
    actions = Action.objects.bulk_create(
        Action(
            objective=objective,
            position=position,
            text=f"Action {position} of objective {objective.number}",
            lead=generator.choice(organisations),
            status=generator.choice(Action.Status.values),
            due_date=today + datetime.timedelta(days=generator.randint(-365, 365)),
        )
        for objective in objectives
        for position in range(1, ACTIONS_PER_OBJECTIVE + 1)
    )
    ActionUpdate.objects.bulk_create(
        ActionUpdate(
            action=action,
            status=action.status,
            note=f"Progress reported for quarter {quarter}.",
            as_of=today - datetime.timedelta(days=91 * quarter),
        )
        for action in actions
        for quarter in range(1, 9)
    )
    indicators = PerformanceIndicator.objects.bulk_create(
        PerformanceIndicator(
            objective=objective,
            position=position,
            title=f"Indicator {position} of objective {objective.number}",
            unit="percentage" if position % 2 else "count",
            polarity="higher" if position % 3 else "lower",
            frequency="monthly",
            owner=organisations[(objective.number + position) % len(organisations)],
            counts_children=not position % 2,
            amber_tolerance=Decimal("5"),
        )
        for objective in objectives
        for position in range(1, INDICATORS_PER_OBJECTIVE + 1)
    )
    actions_by_objective = {}
    for action in actions:
        actions_by_objective.setdefault(action.objective_id, []).append(action)
    PerformanceIndicator.actions.through.objects.bulk_create(
        PerformanceIndicator.actions.through(performanceindicator=indicator, action=action)
        for indicator in indicators
        for action in actions_by_objective[indicator.objective_id][:2]
    )
    figures, targets = [], []
    for number, indicator in enumerate(indicators):
        for age, period in enumerate(months_back(today, MONTHS_OF_FIGURES)):
            fields = {
                "indicator": indicator,
                "frequency": "monthly",
                "period_start": period.start,
                "period_end": period.end,
            }
            targets.append(Target(**fields, value=Decimal(60)))
            if age == 0 and number % 7 == 0:
                continue  # a few indicators still owe last month's figure
            status = Figure.Status.SUBMITTED if age == 0 and number % 3 == 0 else Figure.Status.VERIFIED
            value = Decimal(generator.randint(30, 90))
            figures.append(Figure(**fields, value=value, status=status, source="Benchmark"))
    Figure.objects.bulk_create(figures, batch_size=5000)
    Target.objects.bulk_create(targets, batch_size=5000)
    BoardSeat.objects.bulk_create(
        BoardSeat(
            strategy=strategy,
            position=position,
            role=f"Member {position}",
            organisation=organisations[position % len(organisations)],
            is_chair=position == 1,
        )
        for position in range(1, SEATS + 1)
    )
    return strategy


def second_tuesday(year: int, month: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(1 - first.weekday()) % 7 + 7)


def build_meetings(*, strategy, today: datetime.date) -> None:
    """Quarterly Board meetings going back ten years, the last two still to come."""
    from board.models import Attendance, BoardAction, BoardSeat, Decision, Meeting

    dates = sorted(
        second_tuesday(year, month)
        for year in range(today.year - 11, today.year + 2)
        for month in (1, 4, 7, 10)
        if second_tuesday(year, month) < today
    )[-(MEETINGS - 2) :]
    dates += [second_tuesday(today.year + 1, 1), second_tuesday(today.year + 1, 4)]
    meetings = Meeting.objects.bulk_create(
        Meeting(
            date=date,
            start_time=datetime.time(14, 0),
            venue="Civic Offices",
            status=Meeting.Status.HELD if date < today else Meeting.Status.SCHEDULED,
            minutes="The Board reviewed the action log and the latest performance figures."
            if date < today
            else "",
            minutes_status=Meeting.MinutesStatus.APPROVED if date < today else "",
        )
        for date in dates
    )
    held = [meeting for meeting in meetings if meeting.status == Meeting.Status.HELD]
    for earlier, later in zip(held, held[1:], strict=False):
        earlier.minutes_approved_at = later
    Meeting.objects.bulk_update(held, ["minutes_approved_at"])
    seats = list(BoardSeat.objects.filter(strategy=strategy))
    Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting,
            seat=seat,
            status=Attendance.Status.APOLOGIES if (index + number) % 4 == 3 else Attendance.Status.PRESENT,
        )
        for number, meeting in enumerate(held)
        for index, seat in enumerate(seats)
    )
    Decision.objects.bulk_create(
        Decision(meeting=meeting, text=f"Decision {n} of the meeting.") for meeting in held for n in (1, 2, 3)
    )
    BoardAction.objects.bulk_create(
        BoardAction(
            raised_at=meeting,
            text=f"Report back on item {n}",
            owner="Leaving care service",
            due_date=meeting.date + datetime.timedelta(days=60),
            status=BoardAction.Status.DONE if number < len(held) - 2 else BoardAction.Status.OPEN,
            completed_on=meeting.date + datetime.timedelta(days=50) if number < len(held) - 2 else None,
        )
        for number, meeting in enumerate(held)
        for n in (1, 2)
    )


def compile_report(*, strategy, period):
    """The compile job, without the Board paper's PDF: that is a job of its own, which a worker
    runs after the compile (here, without a broker, it would run inline and be timed with it)."""
    from unittest import mock

    from board.models import CompileRun
    from board.reports import report_compile

    run = CompileRun.objects.create(strategy=strategy, period_start=period.start)
    with mock.patch("board.reports.enqueue_pdf_render"):
        return report_compile(run_id=run.pk)


def build_reports(*, strategy, today: datetime.date) -> float:
    """One compiled report for each of the last 20 half-years, the older ones published."""
    from board.models import EvaluationReport
    from board.reports import latest_ended_half_year

    period = latest_ended_half_year(today)
    started = time.perf_counter()
    for number in range(REPORTS):
        report = compile_report(strategy=strategy, period=period)
        if number:
            EvaluationReport.objects.filter(pk=report.pk).update(
                status=EvaluationReport.Status.PUBLISHED,
                executive_summary="Most indicators are on or near target.",
            )
        period = period.previous()
    return time.perf_counter() - started


def build_newsletters(*, strategy) -> str:
    """NEWSLETTERS published monthly issues, each with four headline figures frozen in it; the
    newest issue's page is the one measured."""
    from communications.models import Newsletter
    from communications.selectors import public_figures
    from indicators.models import PerformanceIndicator

    headline = PerformanceIndicator.objects.filter(objective__strategy=strategy).order_by("pk")[:4]
    figures = public_figures(headline)
    first_of_this_month = datetime.date.today().replace(day=1)
    months = []
    month = first_of_this_month
    for _ in range(NEWSLETTERS):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    from django.utils import timezone

    published = timezone.now()
    Newsletter.objects.bulk_create(
        Newsletter(
            month=month,
            summary=f"News for corporate parents, {month:%B %Y}.",
            headline="Placements are steadier and more young people had their say.",
            stories="- A care leaver started university.\n- Foster carers were thanked at a celebration.",
            next_board_meeting="The Board meets next quarter.",
            training="Induction for new councillors.",
            status=Newsletter.Status.PUBLISHED,
            published_at=published,
            published_figures=figures,
        )
        for month in months
    )
    newest = Newsletter.objects.order_by("-month").first()
    headline_ids = list(headline.values_list("pk", flat=True))
    for newsletter in Newsletter.objects.all():
        newsletter.headline_indicators.set(headline_ids)
    print(f"Newsletters: {NEWSLETTERS} published, {len(figures)} headline figures in each.")
    return newest.get_absolute_url()


def build_published_comparison(*, strategy) -> int:
    """DfE's shipped files imported, and one measure mapped to a 16x indicator for its PI page."""
    from comparisons.demo import published_statistics_load
    from comparisons.models import PublishedMeasure
    from indicators.models import PerformanceIndicator

    published_statistics_load()
    measure = (
        PublishedMeasure.objects.active()
        .filter(unit="percentage", values__isnull=False)
        .distinct()
        .order_by("pk")
        .first()
    )
    indicator = (
        PerformanceIndicator.objects.filter(objective__strategy=strategy, unit="percentage")
        .order_by("pk")
        .last()
    )
    PublishedMeasure.objects.filter(pk=measure.pk).update(indicator=indicator)
    print(f"Published statistics: {measure.title!r} mapped to {indicator.reference}.")
    return indicator.pk


@contextlib.contextmanager
def compared_at(strategy):
    """The DfE measure mapped to an indicator of this strategy for a while, then back."""
    from comparisons.models import PublishedMeasure
    from indicators.models import PerformanceIndicator

    measure = PublishedMeasure.objects.get(indicator__title__startswith="Indicator ")
    indicator = (
        PerformanceIndicator.objects.filter(objective__strategy=strategy, unit="percentage")
        .order_by("pk")
        .last()
    )
    PublishedMeasure.objects.filter(pk=measure.pk).update(indicator=indicator)
    try:
        yield indicator.pk
    finally:
        PublishedMeasure.objects.filter(pk=measure.pk).update(indicator=measure.indicator_id)


def contributor_of(indicator_pk: int):
    """A contributor of the organisation that owns the indicator, to measure their home page."""
    from indicators.models import PerformanceIndicator
    from portal.models import User
    from portal.roles import Role, group_for

    owner = PerformanceIndicator.objects.get(pk=indicator_pk).owner
    contributor = User.objects.create_user(
        "benchmark-contributor", password=secrets.token_urlsafe(20), organisation=owner
    )
    contributor.groups.set([group_for(Role.CONTRIBUTOR)])
    return contributor


def officer_with_second_step():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.models import User
    from portal.roles import Role, group_for

    officer = User.objects.create_user("benchmark-officer", password=secrets.token_urlsafe(20))
    officer.groups.set([group_for(Role.OFFICER)])
    device = TOTPDevice.objects.create(user=officer, name="Benchmark", confirmed=True)
    return officer, device


def signed_in_client(user, device=None):
    """A test client signed in as the user, with the second step done when they have one."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


# --- Query counts at 1x and 16x, in-process -----------------------------------------------------


def make_current(strategy) -> None:
    from objectives.models import Strategy

    Strategy.objects.exclude(pk=strategy.pk).update(is_current=False)
    Strategy.objects.filter(pk=strategy.pk).update(is_current=True)


# Pages measured as the contributor; the others as the officer.
CONTRIBUTOR_PAGES = {"Contributor's home"}
# Pages measured again cold: the first request after a figure is saved.
COLD_PAGES = ("Officer's home", "Strategy overview", "PI list", "PI page", "Report page")


def page_urls(strategy, newsletter_url: str | None, compared_pk: int | None) -> dict[str, str | None]:
    from django.urls import reverse

    from board.models import EvaluationReport
    from indicators.models import PerformanceIndicator

    indicator = PerformanceIndicator.objects.filter(objective__strategy=strategy).order_by("pk").last()
    report = EvaluationReport.objects.filter(strategy=strategy).order_by("period_start", "version").last()
    compared = compared_pk if compared_pk is not None else indicator.pk
    return {
        "Minimal page (one query)": reverse("bench_minimal"),
        "Officer's home": reverse("home"),
        "Contributor's home": reverse("home"),
        "Strategy overview": reverse("objectives:overview"),
        "PI list": reverse("indicators:list"),
        "PI page": reverse("indicators:detail", kwargs={"pk": indicator.pk}),
        "PI page, DfE comparison": reverse("indicators:detail", kwargs={"pk": compared}),
        "Reports list": reverse("board:reports"),
        "Report page": reverse("board:report", kwargs={"pk": report.pk}),
        "Report PDF download": reverse("board:report_pdf", kwargs={"pk": report.pk}),
        "Report CSV download": reverse("board:report_csv", kwargs={"pk": report.pk}),
        "Newsletter page": newsletter_url,
    }


def measured_report_pdf(strategy) -> None:
    """The Board paper of the report whose pages are measured, as its job stores it."""
    from board.models import EvaluationReport
    from board.papers import report_pdf_render

    report = EvaluationReport.objects.filter(strategy=strategy).order_by("period_start", "version").last()
    started = time.perf_counter()
    report_pdf_render(report_id=report.pk)
    print(f"The measured report's PDF rendered in {time.perf_counter() - started:.1f} s (a job of its own)")


def query_counts(clients: dict, urls: dict[str, str | None]) -> dict[str, int | None]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page, url in urls.items():
        if url is None:
            counts[page] = None
            continue
        client = clients["contributor" if page in CONTRIBUTOR_PAGES else "officer"]
        client.get(url)  # warm: the first request of a process fills caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code != 200:
            sys.exit(f"{page} ({url}) answered {response.status_code}, not 200")
        counts[page] = len(queries.captured_queries)
    return counts


# --- Compile time against raw SQL ---------------------------------------------------------------

RAW_FIGURES_SQL = """
    SELECT indicator.id, objective.number, indicator.position,
           array_agg(ARRAY[period.period_start::text, figure.value::text, target.value::text]
                     ORDER BY period.period_start)
    FROM indicators_performanceindicator indicator
    JOIN objectives_objective objective ON objective.id = indicator.objective_id
    JOIN (
        SELECT indicator_id, frequency, period_start FROM indicators_figure
        WHERE period_end BETWEEN %(start)s AND %(end)s
        UNION
        SELECT indicator_id, frequency, period_start FROM indicators_target
        WHERE period_end BETWEEN %(start)s AND %(end)s
    ) period ON period.indicator_id = indicator.id AND period.frequency = indicator.frequency
    LEFT JOIN indicators_figure figure
        ON figure.indicator_id = period.indicator_id AND figure.frequency = period.frequency
       AND figure.period_start = period.period_start AND figure.status = 'verified'
    LEFT JOIN indicators_target target
        ON target.indicator_id = period.indicator_id AND target.frequency = period.frequency
       AND target.period_start = period.period_start
    WHERE objective.strategy_id = %(strategy)s
    GROUP BY indicator.id, objective.number, indicator.position
"""


def raw_figures(*, strategy, period) -> dict[str, list[tuple]]:
    """Each indicator's verified figure and target for every month of the half-year, in one query."""
    from django.db import connection

    from indicators.periods import Period

    with connection.cursor() as cursor:
        cursor.execute(RAW_FIGURES_SQL, {"start": period.start, "end": period.end, "strategy": strategy.pk})
        rows = cursor.fetchall()
    return {
        f"PI {number}.{position}": [
            (Period("monthly", datetime.date.fromisoformat(start)).code, value, target)
            for start, value, target in months
        ]
        for _, number, position, months in rows
    }


def snapshot_figures(snapshot: dict) -> dict[str, list[tuple]]:
    return {
        entry["reference"]: [(row["code"], row["value"], row["target"]) for row in entry["rows"]]
        for objective in snapshot["objectives"]
        for entry in objective["indicators"]
    }


def median_seconds(function, repeats: int):
    timings, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def compile_timings(strategies: dict[int, object], today: datetime.date) -> list[dict]:
    from board.reports import latest_ended_half_year
    from indicators.models import Figure, PerformanceIndicator

    period = latest_ended_half_year(today)
    results = []
    for scale, strategy in strategies.items():
        compile_seconds, report = median_seconds(
            lambda strategy=strategy: compile_report(strategy=strategy, period=period), COMPILE_REPEATS
        )
        sql_seconds, raw = median_seconds(
            lambda strategy=strategy: raw_figures(strategy=strategy, period=period), SQL_REPEATS
        )
        from board.renderings import report_renderings_refresh

        bodies_seconds, _ = median_seconds(
            lambda report=report: report_renderings_refresh(report=report, csv=True), COMPILE_REPEATS
        )
        compiled = snapshot_figures(report.snapshot)
        if raw != compiled:
            differing = sorted(
                key for key in compiled.keys() | raw.keys() if compiled.get(key) != raw.get(key)
            )
            sys.exit(
                f"The raw SQL and the compiled report disagree at {scale}x on indicators {differing[:5]}"
            )
        results.append(
            {
                "scale": scale,
                "indicators": PerformanceIndicator.objects.filter(objective__strategy=strategy).count(),
                "figures": Figure.objects.filter(indicator__objective__strategy=strategy).count(),
                "checked": sum(len(rows) for rows in raw.values()),
                "compile": compile_seconds,
                "bodies": bodies_seconds,
                "sql": sql_seconds,
            }
        )
    return results


# --- Serving with gunicorn and driving load -----------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, time.perf_counter() - started


def wait_until_serving(port: int, path: str, cookie: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn stopped before serving; see its log above")
        try:
            status, _ = get(port, path, cookie)
        except OSError:
            time.sleep(0.2)
            continue
        if status != 200:
            sys.exit(f"The minimal page answered {status}: the benchmark session is not signed in")
        return
    sys.exit("gunicorn did not answer within a minute")


def drive_load(*, port: int, path: str, cookies: list[str], duration: float, warm_up: float) -> dict:
    """Every cookie's client requests the page back to back; latencies after the warm-up count."""
    latencies, failures = [], []
    lock = threading.Lock()
    start = time.monotonic()
    measure_from, stop_at = start + warm_up, start + warm_up + duration

    def client(cookie: str) -> None:
        while (now := time.monotonic()) < stop_at:
            status, seconds = get(port, path, cookie)
            with lock:
                if status != 200:
                    failures.append(status)
                elif now >= measure_from:
                    latencies.append(seconds)

    threads = [threading.Thread(target=client, args=(cookie,)) for cookie in cookies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"{path} failed {len(failures)} times under load (statuses {sorted(set(failures))})")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return {"requests": len(latencies), "p50": cuts[49], "p95": cuts[94]}


class FigureWriter:
    """Saves a figure of the current strategy as an officer would, through the service, each time
    with a new value: the write before each cold request."""

    def __init__(self, *, strategy, officer):
        from indicators.models import Figure, PerformanceIndicator
        from indicators.periods import Period

        self.officer = officer
        # An indicator that still owes last month's figure (see build_strategy), so it stays a draft.
        self.period = Period.containing("monthly", datetime.date.today()).previous()
        self.indicator = (
            PerformanceIndicator.objects.filter(objective__strategy=strategy)
            .exclude(figures__period_start=self.period.start)
            .order_by("pk")
            .first()
        )
        self.figures = Figure
        self.count = 0

    def write(self) -> None:
        from indicators.figures import figure_save

        figure = self.figures.objects.filter(
            indicator=self.indicator, frequency="monthly", period_start=self.period.start
        ).first()
        self.count += 1
        figure_save(
            indicator=self.indicator,
            period=self.period,
            user=self.officer,
            values={"value": Decimal(40 + self.count % 20)},
            expected_version=figure.version if figure else None,
        )


def cold_latencies(*, port: int, urls: dict, cookie: str, writer: FigureWriter) -> dict:
    """For each page, COLD_REPEATS times: save a figure, then time the first request after it."""
    results = {}
    for page in COLD_PAGES:
        timings = []
        for _ in range(COLD_REPEATS):
            writer.write()
            status, seconds = get(port, urls[page], cookie)
            if status != 200:
                sys.exit(f"{page} answered {status} after a write")
            timings.append(seconds)
        timings.sort()
        results[page] = {
            "requests": len(timings),
            "p50": statistics.median(timings),
            "p95": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        }
    return results


# --- The report ---------------------------------------------------------------------------------


def print_cold(cold: dict, floor: dict) -> None:
    print()
    print(f"Cold: the first request after a figure is saved ({COLD_REPEATS} each, one client)")
    print(f"{'page':<26}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p50 x':>8}{'p95 x':>8}  targets")
    for page, result in cold.items():
        p50_ratio, p95_ratio = result["p50"] / floor["p50"], result["p95"] / floor["p95"]
        verdict = f"p95 over {P95_TARGET_RATIO:g}x" if p95_ratio > P95_TARGET_RATIO else "met"
        print(
            f"{page:<26}{result['requests']:>9}{result['p50'] * 1000:>9.1f}{result['p95'] * 1000:>9.1f}"
            f"{p50_ratio:>8.2f}{p95_ratio:>8.2f}  {verdict}"
        )


def print_pages(latency: dict, counts_small: dict, counts_large: dict, concurrency: int, workers: int):
    floor = latency["Minimal page (one query)"]
    print()
    print(f"Pages under load: {concurrency} concurrent clients, gunicorn with {workers} workers, 16x data")
    print(
        f"{'page':<26}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'p50 x':>8}{'p95 x':>8}"
        f"{'q@1x':>7}{'q@16x':>7}  targets"
    )
    for page, small in counts_small.items():
        if small is None:
            print(f"{page:<26}  skipped: no newsletters (see above)")
            continue
        result, large = latency[page], counts_large[page]
        p50_ratio, p95_ratio = result["p50"] / floor["p50"], result["p95"] / floor["p95"]
        missed = []
        if p95_ratio > P95_TARGET_RATIO:
            missed.append(f"p95 over {P95_TARGET_RATIO:g}x")
        if small != large:
            missed.append("queries grow")
        print(
            f"{page:<26}{result['requests']:>9}{result['p50'] * 1000:>9.1f}{result['p95'] * 1000:>9.1f}"
            f"{p50_ratio:>8.2f}{p95_ratio:>8.2f}{small:>7}{large:>7}  {'; '.join(missed) or 'met'}"
        )


def print_compile(results: list[dict]):
    base = results[0]
    print()
    print(
        "Compiling the evaluation report for the latest half-year (median of "
        f"{COMPILE_REPEATS}; raw SQL median of {SQL_REPEATS}). The compile job renders the body for "
        "each audience and the CSV too: 'bodies' is that part, 'figures' the compile without it."
    )
    print(
        f"{'data':<6}{'PIs':>6}{'figures':>9}{'compile ms':>12}{'x 1x':>7}{'data x':>8}"
        f"{'SQL ms':>9}{'x SQL':>8}{'bodies ms':>11}{'figures x SQL':>15}{'same figures':>14}  targets"
    )
    for result in results:
        growth = result["compile"] / base["compile"]
        data_growth = result["figures"] / base["figures"]
        sql_ratio = result["compile"] / result["sql"]
        figures_ratio = max(result["compile"] - result["bodies"], 0) / result["sql"]
        missed = []
        if growth > data_growth:
            missed.append("grows faster than the data")
        if sql_ratio > SQL_TARGET_RATIO:
            missed.append(f"over {SQL_TARGET_RATIO:g}x the SQL")
        print(
            f"{str(result['scale']) + 'x':<6}{result['indicators']:>6}{result['figures']:>9}"
            f"{result['compile'] * 1000:>12.1f}{growth:>7.2f}{data_growth:>8.2f}{result['sql'] * 1000:>9.1f}"
            f"{sql_ratio:>8.2f}{result['bodies'] * 1000:>11.1f}{figures_ratio:>15.2f}"
            f"{'yes (' + str(result['checked']) + ')':>14}  {'; '.join(missed) or 'met'}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="seconds of load per page")
    parser.add_argument("--warm-up", type=float, default=3, help="seconds of load per page not counted")
    parser.add_argument("--concurrency", type=int, default=6, help="concurrent clients")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--only",
        choices=["compile"],
        help="measure only this: 'compile' builds the data and times the report compile, no pages",
    )
    arguments = parser.parse_args()

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    static_root = tempfile.mkdtemp(prefix="portal-bench-static-")
    environment = benchmark_environment(database_url, static_root)
    os.environ.update(environment)
    os.environ.pop("REDIS_URL", None)
    recreate_database(database_url)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from objectives.models import Organisation

    server = None
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        today = timezone.localdate()
        organisations = Organisation.objects.bulk_create(
            Organisation(key=f"benchmark-{n}", name=f"Benchmark organisation {n}", kind="partner")
            for n in range(1, 11)
        )
        strategies = {
            scale: build_strategy(scale=scale, organisations=organisations, today=today, is_current=False)
            for scale in SCALES
        }
        large = strategies[SCALES[-1]]
        for number in range(1, EARLIER_STRATEGIES + 1):
            # Earlier strategies with their ten years of history: no page may depend on them.
            build_strategy(
                scale=SCALES[-1],
                organisations=organisations,
                today=today.replace(year=today.year - 10 * number),
                is_current=False,
                slug=f"benchmark-earlier-{number}",
            )
        make_current(large)
        build_meetings(strategy=large, today=today)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a load this size
        print(f"Data built in {time.perf_counter() - started:.1f} s")
        report_seconds = build_reports(strategy=large, today=today)
        print(f"{REPORTS} reports compiled at 16x in {report_seconds:.1f} s")
        newsletter_url = build_newsletters(strategy=large)
        compared_pk = None if arguments.only else build_published_comparison(strategy=large)

        compiles = compile_timings(strategies, today)
        if arguments.only == "compile":
            print_compile(compiles)
            return
        from django.db import connections as database_connections

        from benchmarks.backup_restore import backup_restore_timings, print_backup_restore

        database_connections.close_all()  # the backup reads from its own process
        recovery = backup_restore_timings(database_url, environment)

        officer, device = officer_with_second_step()
        contributor = contributor_of(compared_pk)
        clients = {"officer": signed_in_client(officer, device), "contributor": signed_in_client(contributor)}
        make_current(strategies[SCALES[0]])
        with compared_at(strategies[SCALES[0]]) as small_compared_pk:
            counts_small = query_counts(
                clients, page_urls(strategies[SCALES[0]], newsletter_url, small_compared_pk)
            )
        make_current(large)
        urls = page_urls(large, newsletter_url, compared_pk)
        measured_report_pdf(large)
        counts_large = query_counts(clients, urls)
        writer = FigureWriter(strategy=large, officer=officer)

        def cookies_of(user, device=None) -> list[str]:
            return [
                f"{settings.SESSION_COOKIE_NAME}="
                + signed_in_client(user, device).cookies[settings.SESSION_COOKIE_NAME].value
                for _ in range(arguments.concurrency)
            ]

        cookies = cookies_of(officer, device)
        contributor_cookies = cookies_of(contributor)
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(arguments.workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
        )
        wait_until_serving(port, urls["Minimal page (one query)"], cookies[0], server)
        latency = {}
        for page, url in urls.items():
            if url is not None:
                latency[page] = drive_load(
                    port=port,
                    path=url,
                    cookies=contributor_cookies if page in CONTRIBUTOR_PAGES else cookies,
                    duration=arguments.duration,
                    warm_up=arguments.warm_up,
                )
        cold = cold_latencies(port=port, urls=urls, cookie=cookies[0], writer=writer)
        print_pages(latency, counts_small, counts_large, arguments.concurrency, arguments.workers)
        print_cold(cold, latency["Minimal page (one query)"])
        print_compile(compiles)
        print_backup_restore(recovery)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(static_root, ignore_errors=True)
        if not arguments.keep:
            drop_database(database_url)


if __name__ == "__main__":
    main()
