"""The portal refuses unsafe production settings and passes Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
STRONG_KEY = "a-strong-production-secret-key-with-plenty-of-variety-0123456789-XYZ"


def run(command: list[str], **env):
    environment = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DEBUG"}}
    environment.update(env)
    try:
        return subprocess.run(
            command, cwd=PROJECT, env=environment, capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(command)} kept running instead of refusing to start")


def manage(*args, **env):
    return run([sys.executable, "manage.py", *args], **env)


# The web server loads config.wsgi (gunicorn) or config.asgi; runserver loads config.wsgi too.
STARTS = {
    "wsgi": [sys.executable, "-c", "import config.wsgi"],
    "asgi": [sys.executable, "-c", "import config.asgi"],
    "worker": [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=ERROR"],
}


@pytest.mark.parametrize(
    "secret_key",
    [None, "short", "django-insecure-" + "k" * 60, "a" * 60],
    ids=["missing", "short", "django-insecure", "repetitive"],
)
@pytest.mark.parametrize("start", sorted(STARTS))
def test_the_portal_refuses_to_start_without_a_secure_secret_key(secret_key, start):
    env = {"DEBUG": "false", "REDIS_URL": "redis://127.0.0.1:1/0"} | (
        {"SECRET_KEY": secret_key} if secret_key else {}
    )
    result = run(STARTS[start], **env)
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_tooling_runs_without_a_secret_key():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_a_bad_boolean_setting_says_what_to_set():
    result = manage("check", DEBUG="maybe")
    assert result.returncode != 0
    assert "Set DEBUG to true or false" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="portal.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_runs_without_a_secret_key():
    result = manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_the_deployment_checks_say_why_production_needs_a_shared_redis():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=STRONG_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="portal.example.gov.uk",
        REDIS_URL="",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
    )
    assert result.returncode != 0
    assert "portal.W001" in result.stderr + result.stdout
    assert "REDIS_URL is not set" in result.stderr + result.stdout
