"""System checks that say what a production configuration is missing, and why."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def shared_cache_and_broker(app_configs, **kwargs):
    """Without REDIS_URL each web worker keeps its own cache and jobs run inside requests.

    The sign-in and feedback limits count in the database, so they hold across workers
    either way; but sessions' one-time messages, and every email and compile, then
    depend on the web request that caused them. The embedded SQLite database serves one
    machine and is left alone."""
    embedded = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    if settings.DEBUG or settings.REDIS_URL or embedded:
        return []
    return [
        checks.Warning(
            "REDIS_URL is not set: background jobs (emails, report compiles) run inside web requests "
            "and the cache is each web worker's own.",
            hint="Set REDIS_URL to a Redis server shared by the web servers and the Celery workers.",
            id="portal.W001",
        )
    ]
