"""The API for reporting tools, under /api/v1/, with its OpenAPI document at /api/v1/openapi.json."""

import datetime
from typing import Literal

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from ninja import Header, NinjaAPI, Query
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from audit.context import Actor, act_as_for_the_rest_of_the_request
from audit.models import AuditEntry
from audit.recorder import client_ip, record
from indicators.imports import as_csv, safe_cell

from . import schemas, selectors
from .batches import figures_batch_save
from .cursors import BadCursor, page
from .models import ApiToken, Scope
from .services import rate_limit_exceeded, token_for_secret

UNAUTHORISED = (
    "Send a valid API token in the Authorization header, as 'Bearer cpp_...'. "
    "A token stops working when it expires or is revoked: ask the corporate parenting officer for a new one"
)


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__("Too many requests")
        self.retry_after = retry_after


class TokenAuth(HttpBearer):
    openapi_description = "An API token issued by the corporate parenting officer: Bearer cpp_..."

    def authenticate(self, request, token: str) -> ApiToken | None:
        found = token_for_secret(token)
        if found is None:
            return None
        wait = rate_limit_exceeded(found)
        if wait is not None:
            raise RateLimited(wait)
        # Everything recorded in the rest of this request is the token's doing.
        act_as_for_the_rest_of_the_request(
            Actor(user_id=found.account_id, name=found.actor_name, client_ip=client_ip(request))
        )
        record(event=AuditEntry.Event.API_USED, obj=found, detail=f"{request.method} {request.path}")
        return found


api = NinjaAPI(
    title=f"{settings.SERVICE_NAME} API",
    version="1",
    description=(
        "The strategy, verified figures, published comparisons, Board meetings and published reports, "
        "for reporting tools; and batches of figures sent for verification. Every list takes "
        "format=csv for spreadsheets and Power BI."
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url=None,
)

ERRORS = {
    400: schemas.ErrorOut,
    401: schemas.ErrorOut,
    403: schemas.ErrorOut,
    422: schemas.ErrorOut,
    429: schemas.ErrorOut,
}
CSV_RESPONSE = {
    "responses": {
        200: {
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


@api.exception_handler(AuthenticationError)
def unauthorised(request, exc):
    return api.create_response(request, {"detail": UNAUTHORISED}, status=401)


@api.exception_handler(RateLimited)
def too_many_requests(request, exc):
    response = api.create_response(
        request,
        {"detail": f"This token has made too many requests: wait {exc.retry_after} seconds and try again"},
        status=429,
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(BadCursor)
def bad_cursor(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(NinjaValidationError)
def invalid_request(request, exc):
    errors = [
        {
            "location": ".".join(str(part) for part in error.get("loc", ())),
            "message": error.get("msg", ""),
        }
        for error in exc.errors
    ]
    return api.create_response(
        request,
        {"detail": "The request is not valid: correct the fields listed", "errors": errors},
        status=422,
    )


def in_utc(moment: datetime.datetime | None, name: str) -> datetime.datetime | None:
    """A time from the query, in UTC; a time without an offset is read as the portal's local time."""
    if moment is None:
        return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise HttpError(422, f"Enter {name} as a date and time, like 2026-04-01T00:00:00Z") from None


def require(request, scope: Scope) -> ApiToken:
    token = request.auth
    if not token.has_scope(scope):
        raise HttpError(
            403, f"This token may not do this: it needs the scope '{scope.value}' ({scope.label})"
        )
    return token


def as_csv_response(rows: list[dict], columns: list[str], name: str) -> HttpResponse:
    table = [columns] + [[safe_cell(_csv_text(row.get(column))) for column in columns] for row in rows]
    response = HttpResponse(as_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _csv_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return str(value)


def listing(request, queryset, *, convert, schema, name: str, format: str, cursor, limit):
    if format == "csv":
        return as_csv_response(convert(queryset.order_by("pk")), list(schema.model_fields), name)
    result = page(queryset, cursor=cursor, limit=limit, convert=convert)
    return {"items": result.items, "next_cursor": result.next_cursor}


Format = Literal["json", "csv"]
CURSOR = Query(None, max_length=500, description="From next_cursor of the previous page")
LIMIT = Query(100, ge=1, le=500)
INDICATOR = Query("", max_length=20, description="A reference, like PI 2.3")
PERIOD_FROM = Query(None, description="Periods starting on or after this date")
PERIOD_TO = Query(None, description="Periods ending on or before this date")
FIGURES_UPDATED_SINCE = Query(None, description="Figures changed at or after this time")
REPORTS_UPDATED_SINCE = Query(None, description="Reports published at or after this time")


@api.get("/strategy", response={200: schemas.StrategyOut, 404: schemas.ErrorOut, **ERRORS}, tags=["strategy"])
def strategy(request):
    """The current strategy: its objectives, their actions and their indicators with definitions."""
    require(request, Scope.READ)
    current = selectors.current_strategy()
    if current is None:
        return 404, {"detail": "No strategy has been loaded yet"}
    return selectors.strategy_tree(current)


@api.get(
    "/objectives",
    response={200: schemas.ObjectivePage, **ERRORS},
    tags=["strategy"],
    openapi_extra=CSV_RESPONSE,
)
def objectives(request, format: Format = "json", cursor: str | None = CURSOR, limit: int = LIMIT):
    require(request, Scope.READ)
    return listing(
        request,
        selectors.objectives(),
        convert=selectors.objective_rows,
        schema=schemas.ObjectiveOut,
        name="objectives",
        format=format,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/actions", response={200: schemas.ActionPage, **ERRORS}, tags=["strategy"], openapi_extra=CSV_RESPONSE
)
def actions(request, format: Format = "json", cursor: str | None = CURSOR, limit: int = LIMIT):
    require(request, Scope.READ)
    return listing(
        request,
        selectors.actions(),
        convert=selectors.action_rows,
        schema=schemas.ActionOut,
        name="actions",
        format=format,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/indicators",
    response={200: schemas.IndicatorPage, **ERRORS},
    tags=["strategy"],
    openapi_extra=CSV_RESPONSE,
)
def indicators(
    request,
    indicator: str = Query("", max_length=20, description="A reference, like PI 2.3"),
    format: Format = "json",
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    require(request, Scope.READ)
    return listing(
        request,
        selectors.indicators(reference=indicator),
        convert=selectors.indicator_rows,
        schema=schemas.IndicatorOut,
        name="indicators",
        format=format,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/figures", response={200: schemas.FigurePage, **ERRORS}, tags=["figures"], openapi_extra=CSV_RESPONSE
)
def figures(
    request,
    indicator: str = Query("", max_length=20, description="A reference, like PI 2.3"),
    period_from: datetime.date | None = PERIOD_FROM,
    period_to: datetime.date | None = PERIOD_TO,
    updated_since: datetime.datetime | None = FIGURES_UPDATED_SINCE,
    format: Format = "json",
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    """Verified figures only, with their targets and RAG status. Small numbers of children are
    suppressed (value empty, display c) unless the token has the read_exact scope."""
    token = require(request, Scope.READ)
    exact = token.has_scope(Scope.READ_EXACT)
    found = selectors.verified_figures(
        reference=indicator,
        period_from=period_from,
        period_to=period_to,
        updated_since=in_utc(updated_since, "updated_since"),
    )
    return listing(
        request,
        found,
        convert=lambda rows: selectors.figure_rows(rows, exact=exact),
        schema=schemas.FigureOut,
        name="figures",
        format=format,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/published-values",
    response={200: schemas.PublishedValuePage, **ERRORS},
    tags=["comparisons"],
    openapi_extra=CSV_RESPONSE,
)
def published_values(
    request,
    indicator: str = Query("", max_length=20, description="Measures linked to this indicator, like PI 2.3"),
    year_from: int | None = Query(None, ge=0, le=999999),
    year_to: int | None = Query(None, ge=0, le=999999),
    format: Format = "json",
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    """Published statistics (DfE) for the council, England, its region and other councils."""
    require(request, Scope.READ)
    found = selectors.published_values(reference=indicator, year_from=year_from, year_to=year_to)
    return listing(
        request,
        found,
        convert=selectors.published_value_rows,
        schema=schemas.PublishedValueOut,
        name="published-values",
        format=format,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/comparisons",
    response={200: schemas.ComparisonPage, **ERRORS},
    tags=["comparisons"],
    openapi_extra=CSV_RESPONSE,
)
def comparisons(
    request,
    indicator: str = INDICATOR,
    format: Format = "json",
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    """How the council compares, measure by measure and year by year, with England, its region and
    its statistical neighbours. A page holds up to limit measures, each with all its years."""
    require(request, Scope.READ)
    return listing(
        request,
        selectors.published_measures(reference=indicator),
        convert=selectors.comparison_rows,
        schema=schemas.ComparisonOut,
        name="comparisons",
        format=format,
        cursor=cursor,
        limit=limit,
    )


@api.get(
    "/meetings", response={200: schemas.MeetingPage, **ERRORS}, tags=["board"], openapi_extra=CSV_RESPONSE
)
def meetings(
    request,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    format: Format = "json",
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    require(request, Scope.READ)
    return listing(
        request,
        selectors.meetings(date_from=date_from, date_to=date_to),
        convert=selectors.meeting_rows,
        schema=schemas.MeetingOut,
        name="meetings",
        format=format,
        cursor=cursor,
        limit=limit,
    )


@api.get("/reports", response={200: schemas.ReportPage, **ERRORS}, tags=["board"], openapi_extra=CSV_RESPONSE)
def reports(
    request,
    updated_since: datetime.datetime | None = REPORTS_UPDATED_SINCE,
    format: Format = "json",
    cursor: str | None = CURSOR,
    limit: int = LIMIT,
):
    """Published evaluation reports: when, which half-year and version, and where to read them."""
    require(request, Scope.READ)
    return listing(
        request,
        selectors.published_reports(updated_since=in_utc(updated_since, "updated_since")),
        convert=selectors.report_rows,
        schema=schemas.ReportOut,
        name="reports",
        format=format,
        cursor=cursor,
        limit=limit,
    )


@api.post(
    "/figures",
    response={200: schemas.BatchOut, 409: schemas.ErrorOut, **ERRORS},
    tags=["figures"],
)
def figures_send(
    request,
    batch: schemas.FigureBatchIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=1, max_length=200),
):
    """Send a batch of figures, in the import file's columns, for the officer to verify.

    The batch is saved all together or not at all; a row with a mistake is listed with what
    to correct. Send a new Idempotency-Key with each batch: a batch sent again with the same
    key saves nothing twice and gets the first answer again.
    """
    token = require(request, Scope.WRITE_FIGURES)
    if len(batch.figures) > settings.API_BATCH_MAX_FIGURES:
        return 422, {
            "detail": f"Send at most {settings.API_BATCH_MAX_FIGURES} figures in one batch: split it up",
            "errors": None,
        }
    answer = figures_batch_save(
        token=token,
        idempotency_key=idempotency_key.strip(),
        figures=[figure.model_dump() for figure in batch.figures],
    )
    response = api.create_response(request, answer.body, status=answer.status)
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return response
