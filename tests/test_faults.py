"""Under faults the portal loses nothing and answers people plainly: Redis stopped while a
newsletter is published, a compile is asked for, someone signs in or sends feedback; a
database connection dropped in the middle of a compile; a worker whose heartbeat stopped.

The tests that stop Redis start their own redis-server on a free port and point the
portal (its cache and its Celery broker) at it; the shared Redis is never touched.
"""

import datetime
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from board.models import CompileRun, EvaluationReport
from board.reports import latest_ended_half_year, report_compile, report_request, stuck_runs_requeue
from communications.models import Feedback, Newsletter, NewsletterDelivery
from config.celery import app as celery_app
from outbox.models import OutboxJob
from outbox.services import job_run, job_schedule, jobs_reconcile
from portal.roles import Role

from . import factories
from .conftest import require_service
from .factories import PASSWORD
from .test_reports import worker_process

PROJECT = Path(__file__).resolve().parents[1]
FEEDBACK = {
    "sender": "young_person_in_care",
    "topic": "having_a_say",
    "message": "My review went well because people listened.",
}


def wait_for(condition, timeout=60.0, what="the worker"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"Timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    """A redis-server of the test's own, which the test stops and starts again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)

        def answers():
            try:
                return client.ping()
            except redis.exceptions.ConnectionError:
                return False

        wait_for(answers, timeout=20, what="redis-server to start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


def point_celery_at(url: str) -> None:
    celery_app.conf.broker_url = url
    celery_app.conf.broker_write_url = None
    celery_app.conf.broker_read_url = None
    celery_app._pool = None  # connections to the previous broker are not reused
    celery_app.amqp._producer_pool = None


@pytest.fixture
def own_redis(settings):
    require_service(shutil.which("redis-server") is not None, "redis-server (Debian's redis-server package)")
    server = OwnRedis()
    server.start()
    previous = celery_app.conf.broker_url
    settings.REDIS_URL = server.url
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": server.url}
    }
    point_celery_at(server.url)
    yield server
    point_celery_at(previous)
    server.stop()


def text(response) -> str:
    return response.content.decode()


# Redis stopped


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_newsletter_published_while_redis_is_down_reaches_every_councillor_once_when_it_is_back(
    client, own_redis
):
    officer = factories.UserFactory(username="olivia", roles=[Role.OFFICER])
    councillors = [
        factories.UserFactory(username=f"councillor{number}", roles=[Role.ELECTED_MEMBER])
        for number in range(10)
    ]
    newsletter = Newsletter.objects.create(
        month=datetime.date(2026, 10, 1),
        summary="Placement stability is up.",
        headline="Thank you.",
        stories="- A care leaver started university.",
    )
    client.force_login(officer)
    own_redis.stop()

    response = client.post(
        reverse("communications:newsletter_publish", args=[newsletter.pk]), {"when": "now"}
    )
    assert response.status_code == 302
    page = text(client.get(response["Location"]))
    assert "is published. Its emails are queued and will go when the mail service is back." in page
    newsletter.refresh_from_db()
    assert newsletter.is_published
    job = OutboxJob.objects.get()
    assert job.state == OutboxJob.State.PENDING and job.enqueued_at is None
    assert client.get(reverse("communications:newsletters")).status_code == 200  # reading still works
    health = client.get(reverse("health"))
    assert health.status_code == 503
    assert health.json()["checks"] == {"database": "ok", "cache": "failing", "broker": "failing"}
    assert jobs_reconcile() == []  # a tick during the outage queues nothing and fails nothing
    assert mail.outbox == []

    own_redis.start()
    point_celery_at(own_redis.url)
    back = time.monotonic()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        assert jobs_reconcile() == [job.pk]  # the next tick after Redis is back
        wait_for(lambda: NewsletterDelivery.objects.filter(sent_at__isnull=False).count() == 10, timeout=60)
        assert time.monotonic() - back < 60
        wait_for(lambda: OutboxJob.objects.get().state == OutboxJob.State.DONE, what="the job to finish")
        jobs_reconcile()  # nothing due: nothing sent again
        time.sleep(1)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(member.email for member in councillors)


@pytest.mark.django_db(transaction=True)
def test_signing_in_works_and_the_lockout_holds_while_redis_is_down(client, own_redis, settings):
    councillor = factories.UserFactory(username="kim", roles=[Role.ELECTED_MEMBER])
    own_redis.stop()
    response = client.post(reverse("login"), {"username": "kim", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(councillor.pk)
    client.logout()
    for _ in range(settings.SIGN_IN_MAX_FAILURES):
        assert client.post(reverse("login"), {"username": "kim", "password": "wrong"}).status_code == 200
    refused = client.post(reverse("login"), {"username": "kim", "password": PASSWORD})
    assert refused.status_code == 200
    assert "Too many failed attempts to sign in. Wait 15 minutes and try again" in text(refused)
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(transaction=True)
def test_feedback_is_kept_and_its_limit_holds_while_redis_is_down(client, own_redis, settings):
    settings.FEEDBACK_MAX_PER_ADDRESS = 2
    own_redis.stop()
    for _ in range(2):
        assert client.post(reverse("communications:feedback"), FEEDBACK).status_code == 302
    over = client.post(reverse("communications:feedback"), FEEDBACK)
    assert over.status_code == 200
    assert "You have sent us a lot of messages in a short time." in text(over)
    assert Feedback.objects.count() == 2


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_compile_asked_for_while_redis_is_down_is_queued_and_done_when_it_is_back(
    client, demo_strategy, own_redis
):
    officer = factories.UserFactory(username="olivia", roles=[Role.OFFICER])
    client.force_login(officer)
    own_redis.stop()
    response = client.post(reverse("board:report_compile"))
    assert response.status_code == 302
    run = CompileRun.objects.get()
    assert "Queued" in text(client.get(response["Location"]))
    assert stuck_runs_requeue(older_than=datetime.timedelta(0)) == [run.pk]  # the tick finds Redis away
    own_redis.start()
    point_celery_at(own_redis.url)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        stuck_runs_requeue(older_than=datetime.timedelta(0))
        wait_for(lambda: CompileRun.objects.get(pk=run.pk).status == CompileRun.Status.DONE)
    assert EvaluationReport.objects.count() == 1


# A dropped database connection


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_compile_interrupted_by_a_dropped_database_connection_completes_by_itself(
    officer, demo_strategy, own_redis
):
    require_service(
        connection.vendor == "postgresql", "PostgreSQL (a worker process shares the test database)"
    )
    worker = worker_process(own_redis.url, compile_pause_seconds=3, REPORT_RETRY_BACKOFF_SECONDS="1")
    try:
        run = report_request(strategy=demo_strategy.strategy, period=latest_ended_half_year(), user=officer)
        wait_for(
            lambda: CompileRun.objects.get(pk=run.pk).status == CompileRun.Status.RUNNING, what="the start"
        )
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall(), "the worker's connection was not found"
        wait_for(
            lambda: CompileRun.objects.get(pk=run.pk).status == CompileRun.Status.DONE,
            timeout=90,
            what="the compile to finish by itself",
        )
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    run.refresh_from_db()
    assert run.attempts == 2 and run.error == ""
    assert EvaluationReport.objects.count() == 1


# Retries, heartbeats and plain words


def test_a_compile_that_fails_on_a_database_blip_tries_again_and_says_so_plainly(
    client, officer, demo_strategy, monkeypatch
):
    celery_app.conf.task_always_eager = False  # queue only: the retry is looked at, not run
    run = CompileRun.objects.create(
        strategy=demo_strategy.strategy, period_start=latest_ended_half_year().start
    )

    def dropped(**kwargs):
        raise OperationalError("server closed the connection unexpectedly\n\tThis probably means...")

    monkeypatch.setattr("board.reports.build_snapshot", dropped)
    assert report_compile(run_id=run.pk) is None
    run.refresh_from_db()
    assert run.status == CompileRun.Status.QUEUED and run.retry_at > timezone.now()
    assert run.error == "The connection to the database was lost."
    client.force_login(officer)
    page = text(client.get(reverse("board:run", kwargs={"pk": run.pk})))
    assert "The portal will try again by itself" in page
    assert "server closed" not in page
    assert report_compile(run_id=run.pk) is None  # not due yet: left waiting
    assert CompileRun.objects.get(pk=run.pk).attempts == 1


def test_a_compile_failing_for_another_reason_is_failed_at_once_in_plain_words(
    client, officer, demo_strategy, monkeypatch
):
    run = CompileRun.objects.create(
        strategy=demo_strategy.strategy, period_start=latest_ended_half_year().start
    )
    monkeypatch.setattr("board.reports.build_snapshot", lambda **kwargs: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        report_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == CompileRun.Status.FAILED
    assert run.error == "An unexpected error in the portal (ZeroDivisionError)."


def test_a_run_whose_heartbeat_stopped_is_taken_again_within_two_minutes(officer, demo_strategy, settings):
    celery_app.conf.task_always_eager = False
    now = timezone.now()
    period = latest_ended_half_year().start
    run = CompileRun.objects.create(
        strategy=demo_strategy.strategy,
        period_start=period,
        status=CompileRun.Status.RUNNING,
        started_at=now - datetime.timedelta(seconds=100),
        heartbeat_at=now - datetime.timedelta(seconds=10),
        attempts=1,
    )
    assert stuck_runs_requeue() == []  # still beating
    CompileRun.objects.filter(pk=run.pk).update(heartbeat_at=now - datetime.timedelta(seconds=95))
    assert settings.REPORT_HEARTBEAT_TIMEOUT_SECONDS + 30 <= 120  # the timeout plus one reconciler tick
    assert stuck_runs_requeue() == [run.pk]
    report = report_compile(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == CompileRun.Status.DONE and run.report == report and run.attempts == 2


def test_the_reconcilers_run_often_enough_to_catch_up_on_missed_ticks(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["reconcile-outbox"]["schedule"] <= 30
    assert schedule["requeue-stuck-reports"]["schedule"] <= 30


def test_an_outbox_job_failing_on_a_transient_error_waits_and_tries_again(db, settings, monkeypatch):
    celery_app.conf.task_always_eager = False
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("could not connect to server")

    monkeypatch.setattr("portal.tasks.send_password_reset_email.run", flaky)
    job = job_schedule(task="portal.tasks.send_password_reset_email", arguments={"user_id": 1})
    assert job_run(job_id=job.pk) == OutboxJob.State.PENDING
    job.refresh_from_db()
    assert job.attempts == 1 and job.due_at > timezone.now()
    assert job.last_error == "The connection to the database was lost."
    assert job_run(job_id=job.pk) == OutboxJob.State.PENDING and len(calls) == 1  # not due yet
    OutboxJob.objects.filter(pk=job.pk).update(due_at=timezone.now())
    assert job_run(job_id=job.pk) == OutboxJob.State.DONE and len(calls) == 2
    assert job_run(job_id=job.pk) == OutboxJob.State.DONE and len(calls) == 2  # done once


def test_an_outbox_job_failing_for_another_reason_is_failed_at_once(db, monkeypatch):
    monkeypatch.setattr("portal.tasks.send_password_reset_email.run", lambda **kwargs: 1 / 0)
    job = job_schedule(task="portal.tasks.send_password_reset_email", arguments={"user_id": 1})
    assert job_run(job_id=job.pk) == OutboxJob.State.FAILED
    job.refresh_from_db()
    assert job.last_error == "An unexpected error in the portal (ZeroDivisionError)."


# The error page


def test_the_error_page_names_the_portal_and_the_council(settings):
    from home.views import server_error

    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert (
        f"<title>Sorry, there is a problem with the service – {settings.SERVICE_NAME} – "
        f"{settings.COUNCIL_NAME}</title>" in page
    )
