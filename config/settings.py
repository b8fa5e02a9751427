"""Settings for the Corporate Parenting Portal.

One module, driven by environment variables. Development defaults are safe
(SQLite, tasks run in-process); production values fail loudly when missing or
insecure. The README has the full configuration table.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"Set {name} to true or false (it is {value!r}).")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"Set {name} to a whole number (it is {value!r}).") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# The processes that serve people (web, worker, beat) refuse to start with DEBUG off
# and a missing or insecure key (config.startup); tooling such as makemigrations runs
# without one.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-local-development-only-not-for-production-use"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

COUNCIL_NAME = env_str("COUNCIL_NAME", "Portsmouth City Council")
SERVICE_NAME = "Corporate Parenting Portal"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # The portal's own apps; tests/test_architecture.py holds the layers they import along.
    "core",
    "caching",
    "portal",
    "objectives",
    "indicators",
    "board",
    "comparisons",
    "audit",
    "communications",
    "home",
    "outbox",
    "limits",
    "api",
    "sso",
]

MIDDLEWARE = [
    "config.structured_logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "portal.middleware.TwoFactorMiddleware",
    "portal.middleware.SessionLifetimeMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
    "core.middleware.ContentSecurityPolicyMiddleware",
    "sso.signout.ProviderSignOutMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.portal",
                "sso.context_processors.single_sign_on",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        # A kept connection is checked before each request reuses it, so one the database
        # dropped (a restart, a failover) is replaced instead of failing the request.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = ["sso.backends.PasswordBackend", "sso.backends.SingleSignOnBackend"]

# Single sign-on with the council's identity provider (OpenID Connect: Entra ID, Google
# Workspace, Okta, Keycloak...). Off unless SSO_DISCOVERY_URL and SSO_CLIENT_ID are set.
SSO_DISCOVERY_URL = env_str("SSO_DISCOVERY_URL")
SSO_CLIENT_ID = env_str("SSO_CLIENT_ID")
SSO_CLIENT_SECRET = env_str("SSO_CLIENT_SECRET")
if SSO_DISCOVERY_URL and not (SSO_CLIENT_ID and SSO_CLIENT_SECRET):
    raise ImproperlyConfigured("Set SSO_CLIENT_ID and SSO_CLIENT_SECRET as well as SSO_DISCOVERY_URL.")
if SSO_DISCOVERY_URL and not SSO_DISCOVERY_URL.startswith(
    ("https://", "http://127.0.0.1", "http://localhost")
):
    raise ImproperlyConfigured("Set SSO_DISCOVERY_URL to the provider's https:// discovery document address.")
SSO_SCOPES = env_str("SSO_SCOPES", "openid profile email")
SSO_GROUPS_CLAIM = env_str("SSO_GROUPS_CLAIM", "groups")
SSO_PROVIDER_NAME = env_str("SSO_PROVIDER_NAME", f"your {COUNCIL_NAME} account")
# "everyone": anyone with a password may still use it; "local_accounts": only accounts
# marked as local accounts (partner agencies outside the council's tenant).
SSO_LOCAL_SIGN_IN = env_str("SSO_LOCAL_SIGN_IN", "everyone")
if SSO_LOCAL_SIGN_IN not in {"everyone", "local_accounts"}:
    raise ImproperlyConfigured(
        f"Set SSO_LOCAL_SIGN_IN to everyone or local_accounts (it is {SSO_LOCAL_SIGN_IN!r})."
    )
# Authentication methods (the ID token's amr claim, RFC 8176) that count as multi-factor:
# officers who used one are not asked for the portal's own code.
SSO_MFA_METHODS = env_list("SSO_MFA_METHODS", "mfa,otp,hwk,sc")
SSO_TIMEOUT_SECONDS = env_int("SSO_TIMEOUT_SECONDS", 10)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after 30 minutes without activity, and on closing the browser.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
# ...and 12 hours after signing in, however active.
SESSION_MAX_AGE_SECONDS = env_int("SESSION_MAX_AGE_SECONDS", 12 * 60 * 60)

# Two-factor sign-in with an authenticator app: required for officers and
# administrators (TWO_FACTOR_REQUIRED=false only for a local demonstration).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = env_str("TWO_FACTOR_ISSUER", "Corporate Parenting Portal")
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

SERIALIZATION_MODULES = {"backupjson": "home.backup_format"}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# Celery and the cache use Redis when REDIS_URL is set. Without it the demo needs
# no broker: tasks run in-process, and the cache is local memory.
REDIS_URL = env_str("REDIS_URL")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
# Redelivery must come well after the hard time limit, or a slow task runs twice.
# Unacknowledged messages of a worker that died are handed out again once the
# visibility timeout has passed; every worker looks for them every
# unacked_restore_interval seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "unacked_restore_interval": env_int("CELERY_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
    # Sending a message gives up quickly when Redis is away: the outbox and the compile
    # reconciler queue it later, and the request that caused it answers at once.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "corporate-parenting@localhost")
# The address people are told to contact, on the accessibility statement and in emails.
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "corporate.parenting@example.gov.uk")

# Security headers and cookies. With DEBUG off these default to the strict values
# that `manage.py check --deploy` expects; SECURE_SSL_REDIRECT can be turned off
# behind a proxy that already redirects to HTTPS.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Preloading HSTS commits every subdomain of the council's domain to HTTPS in
# browsers for a long time and is slow to undo, so it is the council's choice.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Without preloading, Django's deployment check warns; that is a decision, not an oversight.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# One JSON line per request, per task and per message, with the request or task id and
# the user's id (LOG_FORMAT=text for plain lines while developing).
LOG_FORMAT = env_str("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.structured_logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # The request log replaces Django's own line per request.
    "loggers": {"django.server": {"level": "WARNING"}},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
HEALTH_WORKER_TIMEOUT_SECONDS = float(env_str("HEALTH_WORKER_TIMEOUT_SECONDS", "2"))

# Small-number suppression: counts of children from 1 to this number are shown as "c"
# everywhere beyond the corporate parenting officer's own pages.
SUPPRESSION_THRESHOLD = env_int("SUPPRESSION_THRESHOLD", 5)
# A period's figure is due this many days after the period ends; after that it is overdue.
FIGURE_DUE_DAYS = env_int("FIGURE_DUE_DAYS", 30)
# The largest figures file the import accepts.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
# The most rows (below the headings) a figures file may hold; a longer file is refused
# while it is read, so no upload holds a web worker for long.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 5000)
# An import saving more figures than this runs as a background job, so the request
# that confirms it answers at once (each figure takes a few hundredths of a second).
IMPORT_INLINE_FIGURES = env_int("IMPORT_INLINE_FIGURES", 200)
# Published statistics (DfE): the council compared with England, its region and its
# statistical neighbours, by its old three-digit and its new nine-character codes.
COUNCIL_LA_CODE = env_str("COUNCIL_LA_CODE", "851")
COUNCIL_NEW_LA_CODE = env_str("COUNCIL_NEW_LA_CODE", "E06000044")
PUBLISHED_FILE_MAX_BYTES = env_int("PUBLISHED_FILE_MAX_BYTES", 10 * 1024 * 1024)
# The portal's address, for links in emails sent by background jobs.
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

CELERY_BEAT_SCHEDULE = {
    "overdue-figure-reminders": {
        "task": "indicators.tasks.send_overdue_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # Just after midnight, each indicator's state is brought to the new day (periods
    # ending, figures falling due); a page finding one older refreshes it first.
    "refresh-indicator-states": {
        "task": "indicators.tasks.refresh_indicator_states",
        "schedule": crontab(hour=0, minute=1),
    },
}
CELERY_BEAT_SCHEDULE |= {
    "half-year-evaluation-report": {
        "task": "board.tasks.request_half_year_report",
        "schedule": crontab(hour=6, minute=0, day_of_month=1, month_of_year="4,10"),
    },
    "requeue-stuck-reports": {"task": "board.tasks.requeue_stuck_reports", "schedule": 30.0},
}
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# The outbox: jobs written with the change that implies them, queued by a reconciler
# on beat whenever the broker was away or a message was lost.
CELERY_BEAT_SCHEDULE |= {"reconcile-outbox": {"task": "outbox.tasks.reconcile_outbox", "schedule": 30.0}}
# A job queued this long ago and still not started is queued again (its message was lost).
OUTBOX_REQUEUE_AFTER_SECONDS = env_int("OUTBOX_REQUEUE_AFTER_SECONDS", 120)
# A job that fails on a transient error is tried again after 1, 2, 4... times this wait.
OUTBOX_RETRY_BACKOFF_SECONDS = env_int("OUTBOX_RETRY_BACKOFF_SECONDS", 30)
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A compile run records a heartbeat this often while it works; one queued, or running
# without a heartbeat, for longer than the timeout is queued again by the reconciler.
REPORT_HEARTBEAT_SECONDS = env_int("REPORT_HEARTBEAT_SECONDS", 20)
REPORT_HEARTBEAT_TIMEOUT_SECONDS = env_int("REPORT_HEARTBEAT_TIMEOUT_SECONDS", 90)
# A compile that fails on a transient error tries again after 30 s, 60 s, 120 s...
REPORT_RETRY_BACKOFF_SECONDS = env_int("REPORT_RETRY_BACKOFF_SECONDS", 30)
REPORT_MAX_ATTEMPTS = env_int("REPORT_MAX_ATTEMPTS", 5)
# Four eyes: whoever compiles or writes a report cannot approve it. A council with a single
# officer turns this off, and its reports then say they were approved by their author.
REPORT_FOUR_EYES = env_bool("REPORT_FOUR_EYES", True)
# A Board meeting is quorate when more than 1/BOARD_QUORUM_DIVISOR of its seats are present.
BOARD_QUORUM_DIVISOR = env_int("BOARD_QUORUM_DIVISOR", 3)
# Sign-in protection: after this many failures for one account or one address,
# sign-in is refused for that account or address until the lockout period ends.
SIGN_IN_MAX_FAILURES = env_int("SIGN_IN_MAX_FAILURES", 10)
# How many proxies stand in front of the portal: visitors' addresses (for sign-in and
# feedback limits, and the audit log) are then read from X-Forwarded-For.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
SIGN_IN_LOCKOUT_SECONDS = env_int("SIGN_IN_LOCKOUT_SECONDS", 15 * 60)

# Communications: the newsletter, the young people's pages and feedback.
CELERY_BEAT_SCHEDULE |= {
    "publish-scheduled-newsletters": {
        "task": "communications.tasks.publish_due_newsletters",
        "schedule": 300.0,
    },
    "erase-expired-feedback-contacts": {
        "task": "communications.tasks.erase_expired_feedback_contacts",
        "schedule": crontab(hour=3, minute=15),
    },
}
# Reply details someone left with their feedback are erased after this many days.
FEEDBACK_CONTACT_RETENTION_DAYS = env_int("FEEDBACK_CONTACT_RETENTION_DAYS", 90)
# At most this many feedback messages from one network address in each window.
FEEDBACK_MAX_PER_ADDRESS = env_int("FEEDBACK_MAX_PER_ADDRESS", 5)
FEEDBACK_RATE_WINDOW_SECONDS = env_int("FEEDBACK_RATE_WINDOW_SECONDS", 60 * 60)

# The API for reporting tools: each token may make this many requests a minute.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 120)
# The most figures one batch sent to the API may hold.
API_BATCH_MAX_FIGURES = env_int("API_BATCH_MAX_FIGURES", 1000)
