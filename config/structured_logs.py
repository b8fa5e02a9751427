"""One JSON line per log record, carrying the request id and user id of the request it belongs to.

Lines name people by their account id only. Query strings, form data and
headers are never logged: they can hold passwords, codes or personal details.
"""

import json
import logging
import time
import uuid
from contextvars import ContextVar

request_context: ContextVar[dict | None] = ContextVar("request_context", default=None)

request_log = logging.getLogger("portal.requests")
task_log = logging.getLogger("portal.tasks")

# Pages whose address holds a secret (a password reset token): logged by their pattern.
PATHS_WITH_SECRETS = {"password_reset_confirm"}
# Celery adds a task's arguments and result as "data"; they could hold personal details.
LEFT_OUT = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "data"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **(request_context.get() or {}),
        }
        # Only plain values: Django adds the request object, whose text holds the query string.
        line |= {
            key: value
            for key, value in vars(record).items()
            if key not in LEFT_OUT and isinstance(value, str | int | float | bool | type(None))
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


JsonFormatter.converter = time.gmtime


def incoming_request_id(request) -> str:
    given = request.headers.get("X-Request-ID", "")
    # Only a proxy's own short token is reused; anything else could be used to forge log lines.
    if given and len(given) <= 64 and all(c.isalnum() or c in "-_." for c in given):
        return given
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Gives each request an id (echoed in X-Request-ID) and logs one line when it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request_id = incoming_request_id(request)
        token = request_context.set({"request_id": request_id})
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
            request_context.set({"request_id": request_id, "user_id": user_id})
            response["X-Request-ID"] = request_id
            details = {
                "method": request.method,
                "path": loggable_path(request),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            }
            # The message reads on its own in plain-text logs; JSON lines carry the fields too.
            request_log.info("%(method)s %(path)s %(status)s %(duration_ms)sms", details, extra=details)
            return response
        finally:
            request_context.reset(token)


def loggable_path(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.url_name in PATHS_WITH_SECRETS:
        return "/" + match.route
    return request.path


def task_started(task_id=None, task=None, **kwargs):
    task.request.log_started = time.perf_counter()
    task.request.log_context_token = request_context.set({"task_id": task_id, "task": task.name})


def task_finished(task_id=None, task=None, state=None, **kwargs):
    started = getattr(task.request, "log_started", None)
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    task_log.info("%s %s %sms", task.name, state, duration, extra={"state": state, "duration_ms": duration})
    token = getattr(task.request, "log_context_token", None)
    if token is not None:
        request_context.reset(token)


def connect_task_logging() -> None:
    from celery import signals

    signals.task_prerun.connect(task_started, weak=False, dispatch_uid="log_task_started")
    signals.task_postrun.connect(task_finished, weak=False, dispatch_uid="log_task_finished")
