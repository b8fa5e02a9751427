import os
import shutil
import tempfile

import pytest
from django.conf import settings as django_settings
from django.db import connections

from home.strategy_import import DEMO_STRATEGY_FILE, read_strategy_file, strategy_import
from portal.roles import Role

from . import factories

IN_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def pytest_configure(config):
    if IN_CI and django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise pytest.UsageError("CI runs on PostgreSQL: set DATABASE_URL (see .ci/run)")
    # Uploaded papers go to a throwaway folder, not the project's media folder.
    django_settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
    # The test servers speak plain HTTP and serve static files from the finders.
    django_settings.SECURE_SSL_REDIRECT = False
    django_settings.STORAGES = {
        **django_settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def require_service(available: bool, what: str):
    """Skip on a developer's machine without the service; in CI a missing service fails."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: API rate limits and cached reads live there."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def tasks_run_in_process(request):
    """Tasks run in-process unless a test starts a real worker (marked celery_worker)."""
    from config.celery import app

    eager = request.node.get_closest_marker("celery_worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def force_login_completes_two_factor_sign_in():
    """``client.force_login`` stands for a whole sign-in: for someone with an authenticator
    app it includes the code. Sign-ins through the form still need the code."""
    from django.contrib.auth.signals import user_logged_in
    from django_otp import login as otp_login

    from portal import two_factor

    def complete(sender, request, user, **kwargs):
        forced = not request.path  # the test client's own request, not a page's
        if forced and (device := two_factor.confirmed_device(user)) is not None:
            request.user = user  # the test client's request has no user of its own
            otp_login(request, device)

    user_logged_in.connect(complete, dispatch_uid="tests_force_login_two_factor")
    yield
    user_logged_in.disconnect(dispatch_uid="tests_force_login_two_factor")


@pytest.fixture
def redis_url():
    url = django_settings.REDIS_URL
    require_service(bool(url), "Redis (set REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        require_service(False, f"Redis at {url}")
    return url


@pytest.fixture
def chromium_path():
    require_service(shutil.which(CHROMIUM) is not None, f"Chromium at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture
def demo_strategy(db):
    return strategy_import(data=read_strategy_file(DEMO_STRATEGY_FILE))


@pytest.fixture
def agency_a(db):
    return factories.OrganisationFactory(name="Connexions Portsmouth", key="connexions")


@pytest.fixture
def agency_b(db):
    return factories.OrganisationFactory(name="Portsmouth City Teaching Primary Care Trust", key="pct")


@pytest.fixture
def officer(db):
    return factories.UserFactory(username="olivia", roles=[Role.OFFICER])


@pytest.fixture
def contributor(agency_a):
    return factories.UserFactory(username="connor", roles=[Role.CONTRIBUTOR], organisation=agency_a)


@pytest.fixture
def other_contributor(agency_b):
    return factories.UserFactory(username="parveen", roles=[Role.CONTRIBUTOR], organisation=agency_b)


@pytest.fixture
def board_member(db):
    return factories.UserFactory(username="bola", roles=[Role.BOARD_MEMBER])


@pytest.fixture
def councillor(db):
    return factories.UserFactory(username="kim", roles=[Role.ELECTED_MEMBER])


@pytest.fixture
def contributors_figure(demo_strategy, contributor):
    """A submitted figure for an indicator the contributor's organisation owns."""
    from indicators.models import Figure, PerformanceIndicator

    indicator = PerformanceIndicator.objects.get(owner=contributor.organisation, objective__number=2)
    return factories.FigureFactory(indicator=indicator, status=Figure.Status.SUBMITTED)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(username="ada", is_staff=True, is_superuser=True)


@pytest.fixture
def browser_page(chromium_path):
    """A Chromium page. Request it after the fixtures that write to the database:
    data written once Playwright's greenlets run gets a connection of its own that
    outlives the test."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own
    # database calls are still synchronous, so Django may allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        blocked = []
        page.on(
            "console",
            lambda message: (
                blocked.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        yield page
        assert not blocked, f"The Content Security Policy blocked something: {blocked}"
        browser.close()
        # Database work the test did while Playwright ran used a connection of its own.
        connections.close_all()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
