"""The bi-annual evaluation report: compiled by Celery, reviewed, published to the Board."""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.urls import reverse

from board.models import CompileRun, EvaluationReport, Meeting
from board.reports import latest_ended_half_year, report_request, stuck_runs_requeue
from config.celery import app as celery_app
from indicators.models import Figure
from indicators.periods import Period
from portal.roles import Role

from . import factories
from .compile_pause_worker import COMPILE_PAUSE_VARIABLE
from .conftest import require_service

PROJECT = Path(__file__).resolve().parents[1]


def wait_for(condition, timeout=60.0, what="the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


def test_the_officer_compiles_reviews_and_publishes_a_report(
    client, officer, board_member, demo_strategy, django_capture_on_commit_callbacks
):
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("board:report_compile"))
    run = CompileRun.objects.get()
    assert response["Location"] == reverse("board:run", kwargs={"pk": run.pk})
    page = client.get(response["Location"]).content.decode()
    assert "Done" in page
    report = EvaluationReport.objects.get()
    assert report.version == 1 and report.status == EvaluationReport.Status.DRAFT
    text = client.get(report.get_absolute_url()).content.decode()
    for objective in demo_strategy.strategy.objectives.all():
        assert f"Objective {objective.number}: {objective.title}" in text

    step = reverse("board:report_step", kwargs={"pk": report.pk, "step": "submit"})
    client.post(step)
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.DRAFT  # no executive summary yet
    commentary = reverse("board:report_commentary", kwargs={"pk": report.pk})
    client.post(commentary, {"executive_summary": "Placement stability improved.", "objective_1": "Good."})
    client.post(step)
    # Four eyes: a second officer approves what the first compiled and wrote.
    client.force_login(factories.UserFactory(username="second-officer", roles=[Role.OFFICER]))
    client.post(reverse("board:report_step", kwargs={"pk": report.pk, "step": "approve"}))

    client.force_login(board_member)
    assert client.get(report.get_absolute_url()).status_code == 404  # not published yet

    # Published to a meeting to come: past meetings are not offered.
    meeting = factories.MeetingFactory(
        date=datetime.date.today() + datetime.timedelta(days=30), status=Meeting.Status.SCHEDULED
    )
    client.force_login(officer)
    client.post(
        reverse("board:report_step", kwargs={"pk": report.pk, "step": "publish"}), {"meeting": meeting.pk}
    )
    report.refresh_from_db()
    assert report.status == EvaluationReport.Status.PUBLISHED and report.meeting == meeting

    client.force_login(board_member)
    published = client.get(report.get_absolute_url()).content.decode()
    assert "Placement stability improved." in published
    assert report.get_absolute_url() in client.get(meeting.get_absolute_url()).content.decode()
    assert (
        "Placement stability improved."
        not in client.get(reverse("board:report_csv", kwargs={"pk": report.pk})).content.decode()
    )


def test_asking_twice_while_one_is_queued_makes_one_run(officer, demo_strategy):
    period = latest_ended_half_year()
    first = report_request(strategy=demo_strategy.strategy, period=period, user=officer)
    second = report_request(strategy=demo_strategy.strategy, period=period, user=officer)
    assert first == second
    assert CompileRun.objects.count() == 1


def test_the_report_is_a_frozen_snapshot_with_every_version_kept(client, officer, demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    indicator = demo_strategy.objectives[1].indicators.first()
    figure = factories.FigureFactory(indicator=indicator, status=Figure.Status.VERIFIED, value=99)
    client.force_login(officer)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "have changed since this version was compiled" in page
    report.refresh_from_db()
    assert "99" not in str(report.snapshot["objectives"][0]["indicators"][0]["rows"])
    second = factories.compiled_report(demo_strategy.strategy)
    assert second.version == 2
    assert EvaluationReport.objects.count() == 2
    assert figure.pk


def test_a_report_says_the_data_changed_only_for_figures_it_draws_on(client, officer, demo_strategy):
    report = factories.compiled_report(demo_strategy.strategy)
    indicator = demo_strategy.objectives[1].indicators.first()
    years_before = Period.containing(
        indicator.frequency, report.period_start - datetime.timedelta(days=365 * 5)
    )
    months_after = Period.containing(indicator.frequency, report.period_end + datetime.timedelta(days=1))
    for period in (years_before, months_after):
        factories.FigureFactory(
            indicator=indicator, period_start=period.start, status=Figure.Status.VERIFIED, value=99
        )
    client.force_login(officer)
    assert (
        "have changed since this version was compiled"
        not in client.get(report.get_absolute_url()).content.decode()
    )
    within = Period.containing(indicator.frequency, report.period_end)
    Figure.objects.filter(indicator=indicator, period_start=within.start).delete()
    factories.FigureFactory(
        indicator=indicator, period_start=within.start, status=Figure.Status.VERIFIED, value=98
    )
    assert (
        "have changed since this version was compiled"
        in client.get(report.get_absolute_url()).content.decode()
    )


def test_board_members_see_small_numbers_hidden_in_a_published_report(client, board_member, demo_strategy):
    indicator = demo_strategy.objectives[2].indicators.get(counts_children=True, position=1)
    period = latest_ended_half_year()
    quarter = factories.last_ended_period(indicator.frequency, today=period.end + datetime.timedelta(1))
    factories.FigureFactory(
        indicator=indicator, period_start=quarter.start, value=3, status=Figure.Status.VERIFIED
    )
    report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
    client.force_login(board_member)
    csv_text = client.get(reverse("board:report_csv", kwargs={"pk": report.pk})).content.decode()
    assert f"{indicator.reference}," in csv_text
    row = next(
        line
        for line in csv_text.splitlines()
        if line.startswith(f"2,{indicator.reference},") and quarter.label in line
    )
    assert ",c," in row


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_compiles_the_report(officer, demo_strategy, redis_url):
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        run = report_request(strategy=demo_strategy.strategy, period=latest_ended_half_year(), user=officer)
        wait_for(lambda: CompileRun.objects.get(pk=run.pk).status == CompileRun.Status.DONE)
    assert EvaluationReport.objects.count() == 1


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_reconciler_completes_a_run_whose_message_was_lost(officer, demo_strategy, redis_url):
    import redis

    run = CompileRun.objects.create(
        strategy=demo_strategy.strategy, period_start=latest_ended_half_year().start
    )
    redis.Redis.from_url(redis_url).flushdb()  # the broker restarted and lost the queued message
    assert stuck_runs_requeue(older_than=datetime.timedelta(0)) == [run.pk]
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        wait_for(lambda: CompileRun.objects.get(pk=run.pk).status == CompileRun.Status.DONE)
        stuck_runs_requeue(older_than=datetime.timedelta(0))  # nothing stuck now
    assert EvaluationReport.objects.count() == 1


def worker_process(redis_url: str, compile_pause_seconds: int = 0, **env) -> subprocess.Popen:
    """A Celery worker in its own process; with a pause, one whose compiling stops part way through."""
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER'] or 'postgres'}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    environment = os.environ | {"DATABASE_URL": database_url, "REDIS_URL": redis_url} | env
    entry = "celery"
    if compile_pause_seconds:
        entry = "tests.compile_pause_worker"
        environment[COMPILE_PAUSE_VARIABLE] = str(compile_pause_seconds)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            entry,
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_compile_leaves_exactly_one_report(officer, demo_strategy, redis_url):
    require_service(
        connection.vendor == "postgresql", "PostgreSQL (a worker process shares the test database)"
    )
    celery_app.control.purge()
    # Time limits stay shorter than the broker's visibility timeout, as in production.
    limits = {
        "CELERY_VISIBILITY_TIMEOUT": "8",
        "CELERY_TASK_TIME_LIMIT": "6",
        "CELERY_TASK_SOFT_TIME_LIMIT": "5",
    }
    slow = worker_process(redis_url, compile_pause_seconds=4, **limits)
    try:
        run = report_request(strategy=demo_strategy.strategy, period=latest_ended_half_year(), user=officer)
        wait_for(
            lambda: CompileRun.objects.get(pk=run.pk).status == CompileRun.Status.RUNNING, what="the start"
        )
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
    finally:
        if slow.poll() is None:
            slow.kill()
    assert not EvaluationReport.objects.exists()  # nothing half-made
    second = worker_process(redis_url, **limits)
    try:
        wait_for(
            lambda: CompileRun.objects.get(pk=run.pk).status == CompileRun.Status.DONE,
            timeout=90,
            what="the redelivered job",
        )
        time.sleep(2)
    finally:
        second.terminate()
        second.wait(timeout=30)
    run.refresh_from_db()
    assert run.attempts == 2
    assert EvaluationReport.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_the_same_moment_make_one_run(officer, demo_strategy):
    import threading

    from django.db import connections

    require_service(
        connection.vendor == "postgresql", "PostgreSQL (concurrent requests need real transactions)"
    )
    celery_app.conf.task_always_eager = False  # queue only: this test is about the request, not the job
    barrier = threading.Barrier(2)
    runs, errors = [], []

    def ask():
        try:
            barrier.wait()
            runs.append(report_request(strategy=demo_strategy.strategy, period=latest_ended_half_year()).pk)
        except Exception as error:  # noqa: BLE001  reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ask) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(runs)) == 1
    assert CompileRun.objects.count() == 1
