"""The API as a reporting tool and the data warehouse use it, with tokens the officer issues."""

import datetime
import json
import socket
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken, IdempotentBatch, Scope
from api.services import secret_hash, token_issue
from audit.models import AuditEntry
from indicators.models import Figure, FigureChange, Unit

from . import factories

pytestmark = pytest.mark.django_db

NEXT_MONTH = datetime.date.today() + datetime.timedelta(days=30)


def issue(name="Power BI", scopes=(Scope.READ,), organisations=(), created_by=None):
    return token_issue(
        name=name,
        scopes=list(scopes),
        organisations=organisations,
        expires_on=NEXT_MONTH,
        created_by=created_by,
    )


def bearer(issued) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {issued.secret}"}


@pytest.fixture
def objective(db):
    return factories.ObjectiveFactory(number=1)


@pytest.fixture
def children_indicator(objective, agency_a):
    return factories.IndicatorFactory(
        objective=objective,
        position=1,
        owner=agency_a,
        counts_children=True,
        title="Children placed far away",
    )


@pytest.fixture
def money_indicator(objective, agency_b):
    return factories.IndicatorFactory(
        objective=objective, position=2, owner=agency_b, unit=Unit.MONEY, title="=HYPERLINK(1) spend"
    )


def verified(indicator, value, **kwargs):
    return factories.FigureFactory(
        indicator=indicator, value=Decimal(value), status=Figure.Status.VERIFIED, **kwargs
    )


def test_a_read_token_pulls_only_verified_figures_with_targets_and_status(client, children_indicator):
    figure = verified(children_indicator, "12")
    factories.TargetFactory(indicator=children_indicator, value=Decimal("10"))
    earlier = factories.last_ended_period(children_indicator.frequency).previous()
    factories.FigureFactory(
        indicator=children_indicator,
        period_start=earlier.start,
        value=Decimal("40"),
        status=Figure.Status.SUBMITTED,
    )
    response = client.get("/api/v1/figures", **bearer(issue()))
    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [figure.pk]
    item = items[0]
    assert item["indicator"] == "PI 1.1" and item["value"] == 12 and item["target"] == 10
    assert item["rag_status"] == "green" and item["rag_label"] == "On target"
    assert item["period"] == figure.period.code and item["suppressed"] is False


def test_small_numbers_are_suppressed_unless_the_token_may_read_exact_figures(client, children_indicator):
    verified(children_indicator, "3")
    shown = client.get("/api/v1/figures", **bearer(issue())).json()["items"][0]
    assert (shown["value"], shown["suppressed"], shown["display"]) == (None, True, "c")
    csv_text = client.get("/api/v1/figures?format=csv", **bearer(issue(name="Excel"))).content.decode()
    assert ",3," not in csv_text and ",c," in csv_text
    exact = issue(name="Warehouse", scopes=[Scope.READ, Scope.READ_EXACT])
    shown = client.get("/api/v1/figures", **bearer(exact)).json()["items"][0]
    assert (shown["value"], shown["suppressed"], shown["display"]) == (3, False, "3")


def test_every_list_has_a_csv_form_for_spreadsheets_with_formulas_neutralised(client, money_indicator):
    verified(money_indicator, "1250.5")
    token = issue()
    response = client.get("/api/v1/figures?format=csv", **bearer(token))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,indicator_id,indicator,indicator_title,")
    assert "'=HYPERLINK(1) spend" in lines[1] and "1250.5" in lines[1]
    for path in [
        "objectives",
        "actions",
        "indicators",
        "published-values",
        "comparisons",
        "meetings",
        "reports",
    ]:
        listed = client.get(f"/api/v1/{path}?format=csv", **bearer(token))
        assert listed.status_code == 200 and listed["Content-Type"].startswith("text/csv"), path
    indicators = client.get("/api/v1/indicators?format=csv", **bearer(token)).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1) spend" in indicators


def test_lists_come_in_pages_by_an_opaque_cursor(client, objective):
    indicators = [factories.IndicatorFactory(objective=objective, position=n) for n in range(1, 4)]
    token = issue()
    seen, cursor = [], ""
    for _ in range(4):
        page = client.get("/api/v1/indicators", {"limit": 2, "cursor": cursor}, **bearer(token)).json()
        seen += [item["reference"] for item in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [indicator.reference for indicator in indicators]
    refused = client.get("/api/v1/indicators", {"cursor": "made-up"}, **bearer(token))
    assert refused.status_code == 400 and "leave it out" in refused.json()["detail"]


def test_figures_filter_by_indicator_period_and_updated_since(client, children_indicator, money_indicator):
    verified(children_indicator, "12")
    verified(money_indicator, "100")
    token = issue()
    only = client.get("/api/v1/figures", {"indicator": "PI 1.2"}, **bearer(token)).json()["items"]
    assert [item["indicator"] for item in only] == ["PI 1.2"]
    later = (timezone.now() + datetime.timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/figures", {"updated_since": later}, **bearer(token)).json()["items"] == []
    assert client.get("/api/v1/figures", {"period_to": "2000-01-01"}, **bearer(token)).json()["items"] == []
    bad = client.get("/api/v1/figures", {"period_from": "last week"}, **bearer(token))
    assert bad.status_code == 422 and bad.json()["errors"][0]["location"] == "query.period_from"


def test_the_strategy_with_objectives_actions_and_indicator_definitions(client, children_indicator):
    factories.ActionFactory(objective=children_indicator.objective, position=1)
    children_indicator.definition = "Children placed more than 20 miles from home"
    children_indicator.save()
    strategy = client.get("/api/v1/strategy", **bearer(issue())).json()
    objective = strategy["objectives"][0]
    assert objective["indicators"][0]["definition"] == "Children placed more than 20 miles from home"
    assert len(objective["actions"]) == 1


def test_each_scope_allows_only_its_own_requests(client, children_indicator, agency_a):
    reader = issue()
    writer = issue(name="Warehouse", scopes=[Scope.WRITE_FIGURES], organisations=[agency_a])
    batch = {"figures": [{"indicator": "PI 1.1", "period": "2024-25 Q1", "value": 4}]}
    refused = client.post(
        "/api/v1/figures", batch, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a", **bearer(reader)
    )
    assert refused.status_code == 403 and "write_figures" in refused.json()["detail"]
    assert client.get("/api/v1/figures", **bearer(writer)).status_code == 403
    assert not Figure.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_AUTHORIZATION": "Bearer cpp_not-a-real-token"}, {"HTTP_AUTHORIZATION": "Basic b2ZmaWNlcg=="}],
)
def test_requests_without_a_valid_token_are_refused_with_what_to_do(client, headers):
    response = client.get("/api/v1/figures", **headers)
    assert response.status_code == 401
    assert "Authorization header" in response.json()["detail"]


def test_an_expired_or_revoked_token_stops_working(client, officer):
    expired, revoked = issue(name="Old"), issue(name="Lost")
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now())
    assert client.get("/api/v1/meetings", **bearer(revoked)).status_code == 200
    client.force_login(officer)
    client.post(reverse("api_tokens:revoke", kwargs={"pk": revoked.token.pk}))
    client.logout()
    assert client.get("/api/v1/meetings", **bearer(revoked)).status_code == 401
    assert client.get("/api/v1/meetings", **bearer(expired)).status_code == 401


def test_each_token_is_rate_limited(client, settings):
    settings.API_REQUESTS_PER_MINUTE = 3
    token, other = issue(), issue(name="Other")
    answers = [client.get("/api/v1/meetings", **bearer(token)).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = client.get("/api/v1/meetings", **bearer(token))
    assert "too many requests" in limited.json()["detail"] and int(limited["Retry-After"]) <= 60
    assert client.get("/api/v1/meetings", **bearer(other)).status_code == 200


def test_without_the_cache_server_requests_are_answered_not_failed(client, settings):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    assert client.get("/api/v1/meetings", **bearer(issue())).status_code == 200


def test_every_use_is_in_the_audit_log_under_the_token_name_without_the_secret(client):
    token = issue(name="Power BI dashboard")
    client.get("/api/v1/figures?format=csv", **bearer(token))
    entry = AuditEntry.objects.get(event=AuditEntry.Event.API_USED)
    assert entry.actor_name == "API token Power BI dashboard"
    assert entry.detail == "GET /api/v1/figures"
    logged = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert token.secret not in logged and token.token.secret_sha256 not in logged


def post_batch(client, token, figures, key="batch-1"):
    return client.post(
        "/api/v1/figures",
        {"figures": figures},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **bearer(token),
    )


@pytest.fixture
def warehouse(agency_a):
    return issue(name="Data warehouse", scopes=[Scope.WRITE_FIGURES], organisations=[agency_a])


def ended_period(indicator, back=0):
    period = factories.last_ended_period(indicator.frequency)
    for _ in range(back):
        period = period.previous()
    return period.code


def test_a_batch_is_saved_for_verification_with_history_and_audit(client, children_indicator, warehouse):
    figures = [
        {
            "indicator": "PI 1.1",
            "period": ended_period(children_indicator),
            "value": 12,
            "note": "From the warehouse",
        },
        {
            "indicator": "1.1",
            "period": ended_period(children_indicator, 1),
            "value": "9",
            "quality": "provisional",
        },
    ]
    response = post_batch(client, warehouse, figures)
    assert response.status_code == 200, response.json()
    assert response.json()["saved"] == 2
    saved = Figure.objects.order_by("-period_start")
    assert [figure.status for figure in saved] == [Figure.Status.SUBMITTED] * 2
    assert saved[0].note == "From the warehouse" and saved[1].quality == "provisional"
    events = list(FigureChange.objects.filter(figure=saved[0]).order_by("pk").values_list("event", flat=True))
    assert events == [FigureChange.Event.IMPORTED, FigureChange.Event.SUBMITTED]
    assert saved[0].updated_by.display_name == "API token Data warehouse"
    created = AuditEntry.objects.filter(event=AuditEntry.Event.CREATED, object_type="indicators.Figure")
    assert {entry.actor_name for entry in created} == {"API token Data warehouse"}


def test_a_batch_with_one_bad_row_saves_nothing_and_says_which_row(client, children_indicator, warehouse):
    figures = [
        {"indicator": "PI 1.1", "period": ended_period(children_indicator), "value": 12},
        {"indicator": "PI 1.1", "period": ended_period(children_indicator, 1), "value": "twelve"},
    ]
    response = post_batch(client, warehouse, figures)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"].startswith("Nothing was saved")
    assert body["errors"] == [
        {"row": 2, "column": "value", "message": "'twelve' is not a number: enter a number, like 12 or 45.5"}
    ]
    assert not Figure.objects.exists()


def test_a_batch_only_writes_for_the_organisations_the_token_names(client, money_indicator, warehouse):
    response = post_batch(
        client, warehouse, [{"indicator": "PI 1.2", "period": ended_period(money_indicator), "value": 5}]
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"].startswith("You cannot enter figures for PI 1.2")
    assert not Figure.objects.exists()


def test_the_api_never_changes_a_verified_figure(client, children_indicator, warehouse):
    figure = verified(children_indicator, "12")
    response = post_batch(
        client, warehouse, [{"indicator": "PI 1.1", "period": figure.period.code, "value": 13}]
    )
    assert response.status_code == 422
    assert "has been verified" in response.json()["errors"][0]["message"]
    figure.refresh_from_db()
    assert (figure.value, figure.status) == (12, Figure.Status.VERIFIED)


def test_a_retried_batch_saves_nothing_twice(client, children_indicator, warehouse):
    figures = [{"indicator": "PI 1.1", "period": ended_period(children_indicator), "value": 12}]
    first = post_batch(client, warehouse, figures, key="nightly-2026-12-01")
    changes = FigureChange.objects.count()
    again = post_batch(client, warehouse, figures, key="nightly-2026-12-01")
    assert again.status_code == 200 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert FigureChange.objects.count() == changes and Figure.objects.count() == 1
    other = post_batch(client, warehouse, [{**figures[0], "value": 13}], key="nightly-2026-12-01")
    assert other.status_code == 422 and "already used for a different batch" in other.json()["detail"]
    assert Figure.objects.get().value == 12
    assert IdempotentBatch.objects.count() == 1


def test_numbers_too_large_to_keep_are_refused_not_failed(client, children_indicator, warehouse):
    response = post_batch(
        client,
        warehouse,
        [
            {"indicator": "PI 1.1", "period": ended_period(children_indicator), "value": "1e20"},
            {
                "indicator": "PI 1.1",
                "period": ended_period(children_indicator),
                "value": "100000000000000000000",
            },
        ],
    )
    assert response.status_code == 422
    messages = [error["message"] for error in response.json()["errors"]]
    assert "without an exponent" in messages[0]
    assert messages[1].endswith("enter a number between -999,999,999,999.99 and 999,999,999,999.99")
    assert not Figure.objects.exists()


def test_the_officer_issues_a_token_that_is_shown_once_and_stored_hashed(client, officer, agency_a):
    client.force_login(officer)
    page = client.post(
        reverse("api_tokens:new"),
        {
            "name": "Data warehouse",
            "scopes": [Scope.READ, Scope.WRITE_FIGURES],
            "organisations": [agency_a.pk],
            "expires_on_0": NEXT_MONTH.day,
            "expires_on_1": NEXT_MONTH.month,
            "expires_on_2": NEXT_MONTH.year,
        },
    )
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret.startswith("cpp_") and secret in page.content.decode()
    token = ApiToken.objects.get()
    assert token.secret_sha256 == secret_hash(secret) and secret not in json.dumps(token.scopes)
    assert token.created_by == officer and list(token.organisations.all()) == [agency_a]
    listing = client.get(reverse("api_tokens:list")).content.decode()
    assert "Data warehouse" in listing and secret not in listing
    assert not token.account.has_usable_password()


def test_a_token_form_with_mistakes_says_what_to_fix(client, officer):
    client.force_login(officer)
    page = client.post(
        reverse("api_tokens:new"),
        {
            "name": "",
            "scopes": [Scope.WRITE_FIGURES],
            "expires_on_0": "1",
            "expires_on_1": "1",
            "expires_on_2": "2001",
        },
    )
    text = page.content.decode()
    assert page.status_code == 200 and "There is a problem" in text
    assert "Enter the name of the system that will use the token" in text
    assert not ApiToken.objects.exists()
    page = client.post(
        reverse("api_tokens:new"),
        {
            "name": "Warehouse",
            "scopes": [Scope.WRITE_FIGURES],
            "expires_on_0": "1",
            "expires_on_1": "1",
            "expires_on_2": "2001",
        },
    )
    text = page.content.decode()
    assert "Select the organisations the token may send figures for" in text
    assert "The expiry date must be in the future" in text


def test_only_the_officer_manages_tokens(client, contributor):
    token = issue()
    client.force_login(contributor)
    assert client.get(reverse("api_tokens:list")).status_code == 403
    assert client.post(reverse("api_tokens:revoke", kwargs={"pk": token.token.pk})).status_code == 403
    token.token.refresh_from_db()
    assert token.token.revoked_at is None


def test_the_administrator_revokes_tokens_in_the_admin_site(client, superuser):
    token = issue()
    client.force_login(superuser)
    assert client.get(reverse("admin:api_apitoken_add"))["Location"] == reverse("api_tokens:new")
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.token.pk]},
    )
    token.token.refresh_from_db()
    assert token.token.revoked_by == superuser
    assert client.get("/api/v1/meetings", **bearer(token)).status_code == 401


@pytest.mark.parametrize(
    "body,content_type",
    [
        ("{", "application/json"),
        ("figures=1", "application/x-www-form-urlencoded"),
        ('{"figures": []}', "application/json"),
    ],
)
def test_a_malformed_batch_is_refused_with_json_not_failed(client, warehouse, body, content_type):
    response = client.post(
        "/api/v1/figures", body, content_type=content_type, HTTP_IDEMPOTENCY_KEY="k", **bearer(warehouse)
    )
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]
    assert not IdempotentBatch.objects.exists()


def test_comparisons_put_the_council_beside_england_its_region_and_neighbours(client):
    from comparisons.demo import published_statistics_load

    published_statistics_load()
    rows = client.get("/api/v1/comparisons", {"limit": 500}, **bearer(issue())).json()["items"]
    same_carer = next(
        row
        for row in rows
        if row["measure"].startswith("Children looked after for 2.5 years") and row["time_period"] == 2025
    )
    assert same_carer["council"] == 80 and same_carer["england"] is not None
    assert same_carer["verdict"] in {"better", "similar", "worse"} and same_carer["ranked_among"] == 11


def test_a_page_of_figures_takes_the_same_queries_however_many_there_are(client, objective):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = issue()

    def queries_for_page():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/figures", **bearer(token)).status_code == 200
        return len(captured)

    first = factories.IndicatorFactory(objective=objective, position=1)
    verified(first, "1")
    queries_for_page()  # the first use of the minute also notes when the token was last used
    few = queries_for_page()
    for position in range(2, 8):
        indicator = factories.IndicatorFactory(objective=objective, position=position)
        verified(indicator, "2")
        factories.TargetFactory(indicator=indicator)
    assert queries_for_page() == few


def test_a_repeated_row_is_named_by_its_place_in_the_batch(client, children_indicator, warehouse):
    figure = {"indicator": "PI 1.1", "period": ended_period(children_indicator), "value": 12}
    response = post_batch(client, warehouse, [figure, figure])
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["row"] == 2 and error["message"].startswith("Row 2 repeats row 1")
