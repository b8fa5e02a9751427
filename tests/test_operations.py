"""Running the portal as a service: health checks for load balancers and monitoring, and its logs."""

import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.urls import reverse

from config.celery import app as celery_app
from config.structured_logs import JsonFormatter

from .conftest import require_service
from .factories import PASSWORD


@pytest.fixture
def log_lines():
    """The portal's request and task lines, as the JSON a log shipper would read. (Held on the
    portal's own logger: a starting worker configures the root logger afresh.)"""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    portal_logger = logging.getLogger("portal")
    portal_logger.addHandler(handler)
    previous = portal_logger.level
    portal_logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    portal_logger.removeHandler(handler)
    portal_logger.setLevel(previous)


def test_each_request_is_one_log_line_with_its_id_and_the_user_id(client, councillor, log_lines):
    client.force_login(councillor)
    response = client.get(reverse("objectives:overview"), {"search": "private words"})
    line = next(line for line in log_lines() if line["logger"] == "portal.requests")
    assert line["request_id"] == response["X-Request-ID"] and len(line["request_id"]) == 32
    assert (line["user_id"], line["method"], line["path"]) == (councillor.pk, "GET", "/strategy/")
    assert "status" in line and "duration_ms" in line
    assert "private words" not in json.dumps(log_lines())


def test_a_proxys_request_id_is_kept_and_a_forged_one_replaced(client, db, log_lines):
    assert client.get(reverse("health"), headers={"X-Request-ID": "lb-1234"})["X-Request-ID"] == "lb-1234"
    forged = client.get(reverse("health"), headers={"X-Request-ID": 'x" "level": "ERROR'})
    assert forged["X-Request-ID"] != 'x" "level": "ERROR' and len(forged["X-Request-ID"]) == 32


def test_signing_in_logs_no_password(client, councillor, log_lines):
    client.post(reverse("login"), {"username": councillor.username, "password": PASSWORD})
    client.post(reverse("login"), {"username": councillor.username, "password": "a mistyped password"})
    written = json.dumps(log_lines())
    assert PASSWORD not in written and "a mistyped password" not in written
    assert any(line.get("path") == "/account/sign-in/" for line in log_lines())


def test_the_health_check_reports_each_service(client, db):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok" and response.json()["checks"]["cache"] == "ok"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_check_answers_only_while_a_worker_runs(client, redis_url):
    assert client.get(reverse("health_workers")).status_code == 503
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        # A worker answers control messages a moment after it starts taking tasks; monitoring retries.
        deadline = time.monotonic() + 30
        while (response := client.get(reverse("health_workers"))).status_code != 200:
            assert time.monotonic() < deadline, response.json()
        assert response.json()["checks"]["workers"] == "answering"


def test_celerys_own_lines_leave_out_task_arguments():
    record = logging.makeLogRecord(
        {"name": "celery.app.trace", "msg": "Task succeeded", "data": {"kwargs": "{'email': 'a@b'}"}}
    )
    assert "a@b" not in JsonFormatter().format(record)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_run_by_a_worker_logs_one_line(client, officer, redis_url, log_lines):
    from portal.tasks import send_password_reset_email

    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        send_password_reset_email.delay(user_id=officer.pk, domain="portal.example", use_https=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not any(
            line["logger"] == "portal.tasks" for line in log_lines()
        ):
            time.sleep(0.2)
    line = next(line for line in log_lines() if line["logger"] == "portal.tasks")
    assert line["task"] == "portal.tasks.send_password_reset_email" and line["state"] == "SUCCESS"
    assert officer.email not in json.dumps(log_lines())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answer(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_procfile_runs_the_web_server_a_worker_and_beat(redis_url):
    """`make serve` runs this Procfile: gunicorn, a Celery worker and beat, sharing PostgreSQL and Redis."""
    database = connection.settings_dict
    require_service(database["ENGINE"] == "django.db.backends.postgresql", "PostgreSQL (set DATABASE_URL)")
    port = free_port()
    bin_folder = Path(sys.executable).parent
    environment = os.environ | {
        "PATH": f"{bin_folder}:{os.environ['PATH']}",
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "REDIS_URL": redis_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
    }
    processes = subprocess.Popen(
        [str(bin_folder / "honcho"), "start"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and answer(f"http://127.0.0.1:{port}/health/workers/") != 200:
            assert processes.poll() is None, processes.stdout.read().decode()
            time.sleep(0.5)
        assert answer(f"http://127.0.0.1:{port}/health/") == 200
        assert answer(f"http://127.0.0.1:{port}/health/workers/") == 200
    finally:
        os.killpg(processes.pid, signal.SIGTERM)
        output = processes.communicate(timeout=60)[0].decode()
    for process in ["web", "worker", "beat"]:
        assert re.search(rf"{process}\.1 +\| \{{", output), f"{process} wrote no JSON log line:\n{output}"
    assert "beat: Starting" in output


def test_a_password_reset_link_and_a_query_string_stay_out_of_the_logs(client, db, log_lines, caplog):
    reset = reverse("password_reset_confirm", kwargs={"uidb64": "MQ", "token": "secret-reset-token"})
    client.get(reset)
    client.get("/no-such-page/", {"email": "child@example.org"})
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    for record in caplog.records:
        handler.emit(record)
    written = json.dumps(log_lines()) + stream.getvalue()
    assert "secret-reset-token" not in written and "child@example.org" not in written
    assert any(line.get("path") == "/account/password/reset/<uidb64>/<token>/" for line in log_lines())
