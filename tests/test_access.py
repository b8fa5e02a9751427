"""Who may open which page: every URL in the URL configuration, for every role.

The table below is the portal's access policy. A page added without a rule here
fails ``test_every_page_has_an_access_rule``.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from audit.models import AuditEntry
from board.models import EvaluationReport
from indicators.models import FigureUpload

from . import factories

PERSONAS = ["anonymous", "officer", "contributor", "board_member", "councillor", "superuser"]

SIGNED_IN = {"officer": 200, "contributor": 200, "board_member": 200, "councillor": 200, "superuser": 200}
SIGN_IN_FIRST = {"anonymous": "sign-in"}
EVERYONE = {persona: 200 for persona in PERSONAS}
OFFICERS_ONLY = {"contributor": 403, "board_member": 403, "councillor": 403}

API_OPERATIONS = [
    "strategy",
    "objectives",
    "actions",
    "indicators",
    "figures",
    "figures_send",
    "published_values",
    "comparisons",
    "meetings",
    "reports",
]

# url name -> expected answer per persona: a status code, or "sign-in" for a
# redirect to the sign-in page.
EXPECTED = {
    "home": SIGN_IN_FIRST | SIGNED_IN,
    "accessibility": EVERYONE,
    "health": EVERYONE,
    # No worker runs during this test: with a broker the check says so; without, tasks run in-process.
    "health_workers": {persona: 503 if settings.REDIS_URL else 200 for persona in PERSONAS},
    "account": SIGN_IN_FIRST | SIGNED_IN,
    "login": {"anonymous": 200} | {persona: 302 for persona in SIGNED_IN},
    # Signing out is a POST; a GET is refused. Tested as a journey in test_accounts.
    "logout": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "password_change": SIGN_IN_FIRST | SIGNED_IN,
    # Signed-in officers and administrators have already given their code: the pages send them on.
    "two_factor_setup": SIGN_IN_FIRST | SIGNED_IN | {"officer": 302, "superuser": 302},
    "two_factor_verify": SIGN_IN_FIRST | {persona: 302 for persona in SIGNED_IN},
    # Turning it off asks for the password again; those without an app are sent to their account.
    "two_factor_turn_off": SIGN_IN_FIRST
    | {persona: 302 for persona in SIGNED_IN}
    | {"officer": 403, "superuser": 403},
    # Replacing the app asks for a code from it; those without one are sent to set one up.
    "two_factor_replace": SIGN_IN_FIRST
    | {persona: 302 for persona in SIGNED_IN}
    | {"officer": 200, "superuser": 200},
    "password_change_done": SIGN_IN_FIRST | SIGNED_IN,
    # Turning an email off or on is a POST from the account page; the journeys are in test_email_settings.
    "email_setting": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "password_reset": EVERYONE,
    "password_reset_done": EVERYONE,
    "password_reset_confirm": EVERYONE,
    "password_reset_complete": EVERYONE,
    "objectives:overview": SIGN_IN_FIRST | SIGNED_IN,
    "objectives:detail": SIGN_IN_FIRST | SIGNED_IN,
    "objectives:action": SIGN_IN_FIRST | SIGNED_IN,
    "indicators:list": SIGN_IN_FIRST | SIGNED_IN,
    "audit:log": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403, "board_member": 403, "councillor": 403},
    "indicators:detail": SIGN_IN_FIRST | SIGNED_IN,
    "board:overview": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403},
    "indicators:overdue": SIGN_IN_FIRST | SIGNED_IN | {"board_member": 403, "councillor": 403},
    # The figure pages below are for an indicator the contributor's organisation owns.
    "indicators:figure_edit": SIGN_IN_FIRST | SIGNED_IN | {"board_member": 403, "councillor": 403},
    "indicators:figure_send_back": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "indicators:targets": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:meeting": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403},
    "board:reports": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403, "councillor": 403},
    "board:report": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403, "councillor": 403},
    "board:report_csv": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403, "councillor": 403},
    "board:report_chart": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403, "councillor": 403},
    "board:report_commentary": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:report_comment": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:report_invite": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "board:report_pdf": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403, "councillor": 403},
    "board:meeting_new": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:meeting_edit": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:meeting_attendance": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:meeting_minutes": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:meeting_minutes_approve": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    # Only whoever holds a seat sends apologies for it; none of the personas holds one.
    "board:meeting_apologies": SIGN_IN_FIRST | {persona: 403 for persona in SIGNED_IN},
    "board:meeting_pack": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403},
    "board:meeting_record_add": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "board:action_done": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "board:action_reopen": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "board:actions": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403},
    "board:actions_open": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403},
    "board:paper": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403},
    "board:run": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403, "board_member": 403, "councillor": 403},
    # POST only; the journeys are in test_reports.
    "board:report_compile": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "board:report_step": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    # Breakdowns: the officer defines the dimensions and groups, and chooses an indicator's.
    "indicators:breakdowns": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "indicators:dimension_new": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "indicators:dimension_edit": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "indicators:group_new": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "indicators:group_edit": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "indicators:indicator_breakdowns": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "indicators:catalogue": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "indicators:catalogue_adopt": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "indicators:import": SIGN_IN_FIRST | SIGNED_IN | {"board_member": 403, "councillor": 403},
    "indicators:import_template": SIGN_IN_FIRST | SIGNED_IN | {"board_member": 403, "councillor": 403},
    "indicators:export": SIGN_IN_FIRST | SIGNED_IN | {"board_member": 403, "councillor": 403},
    # An upload is seen only by the person who uploaded it: here, the contributor.
    "indicators:import_preview": SIGN_IN_FIRST
    | {"officer": 404, "contributor": 200, "board_member": 403, "councillor": 403, "superuser": 404},
    # Only POST is accepted; the POST journeys are in test_figures.
    "indicators:figure_action": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    # The worklists: the officer's verification queue and reminders, a contributor's reopen request
    # (for a verified figure of their organisation). The journeys are in test_worklists.
    "indicators:verification": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "indicators:organisation_remind": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "indicators:email_setting": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "indicators:figure_reopen_request": SIGN_IN_FIRST | SIGNED_IN | {"board_member": 403, "councillor": 403},
    # Published statistics: the officer imports and maps them; everyone signed in sees the report card.
    "comparisons:files": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "comparisons:upload": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "comparisons:file": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "comparisons:measure_new": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "comparisons:definition_new": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "comparisons:measure_edit": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "comparisons:measure_delete": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    # Only POST is accepted; the journeys are in test_published_imports.
    "comparisons:measure_retire": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "comparisons:pack_export": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "comparisons:pack_import": SIGN_IN_FIRST
    | SIGNED_IN
    | {"contributor": 403, "board_member": 403, "councillor": 403},
    "comparisons:report_card": SIGN_IN_FIRST | SIGNED_IN,
    "comparisons:report_card_pdf": SIGN_IN_FIRST | SIGNED_IN,
    # Profiles of need: everyone signed in reads the published ones; the officer writes and publishes.
    "comparisons:need_profiles": SIGN_IN_FIRST | SIGNED_IN,
    "comparisons:need_profile": SIGN_IN_FIRST | SIGNED_IN,
    "comparisons:need_profile_pdf": SIGN_IN_FIRST | SIGNED_IN,
    "comparisons:need_profile_new": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "comparisons:need_profile_edit": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    # POST only; the journeys are in test_need_profiles.
    "comparisons:need_profile_publish": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    # Communications: the newsletter, the young people's pages and feedback.
    "communications:newsletters": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403},
    "communications:newsletter": SIGN_IN_FIRST | SIGNED_IN | {"contributor": 403},
    "communications:newsletter_new": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "communications:newsletter_edit": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "communications:newsletter_publish": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "communications:newsletter_publish_confirm": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "communications:newsletter_unschedule": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "communications:newsletter_subscription": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    "communications:guidance_edit": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "communications:young_people": EVERYONE,
    "communications:young_people_edit": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "communications:feedback": EVERYONE,
    "communications:feedback_sent": EVERYONE,
    "communications:feedback_list": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "communications:feedback_review": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    # The API answers tokens, not sessions: without a token everyone is refused with a JSON 401.
    **{f"api:{name}": {persona: 401 for persona in PERSONAS} for name in API_OPERATIONS},
    "api:openapi-json": EVERYONE,
    "api:api-root": {persona: 404 for persona in PERSONAS},
    "api_tokens:list": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    "api_tokens:new": SIGN_IN_FIRST | SIGNED_IN | OFFICERS_ONLY,
    # POST only; the journeys are in test_api.
    "api_tokens:revoke": SIGN_IN_FIRST | {persona: 405 for persona in SIGNED_IN},
    # Single sign-on: off unless configured (its journeys with a provider are in test_sso).
    "sso:start": {persona: 404 for persona in PERSONAS},
    "sso:callback": {persona: 404 for persona in PERSONAS},
    "sso:refused": EVERYONE,
}

# The admin site has its own guard (staff only); its pages without arguments are
# checked against this rule instead of one entry each.
ADMIN_RULE = {persona: "admin-sign-in" for persona in PERSONAS} | {
    "anonymous": "any-sign-in",
    "superuser": 200,
}
# Answers only with its query parameters; without them even an administrator is refused.
ADMIN_EXCEPTIONS = {
    ("admin:autocomplete", "superuser"): 403,
    # Audit entries are only ever added by the portal itself.
    ("admin:audit_auditentry_add", "superuser"): 403,
    # Outbox jobs are written by the changes that imply them, never by hand.
    ("admin:outbox_outboxjob_add", "superuser"): 403,
    # Sent emails are recorded as they go, never by hand.
    ("admin:portal_sentemail_add", "superuser"): 403,
    # API tokens are issued on the portal's page, the only one that shows the secret.
    ("admin:api_apitoken_add", "superuser"): 302,
}


def url_names(patterns=None, namespace=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def portal_url_names():
    return sorted({name for name, _ in url_names() if not name.startswith("admin:")})


def admin_url_names_without_arguments():
    return sorted(
        {
            name
            for name, pattern in url_names()
            if name.startswith("admin:") and not pattern.pattern.regex.groupindex
        }
    )


def published_statistics_file():
    from comparisons.services import published_file_upload

    content = (
        b"time_period,geographic_level,country_code,country_name,region_code,region_name,old_la_code,"
        b"la_name,new_la_code,breakdown,children_count,children_percent\n"
        b"2025,National,E92000001,England,,,,,,Total,10,100\n"
    )
    return published_file_upload(name="published.csv", content=content)


def published_measure(published_file):
    """The file's measure, made once however many pages ask: a second mapping of the same rows
    and column is refused."""
    from comparisons.models import PublishedMeasure
    from comparisons.services import measure_create

    if (existing := PublishedMeasure.objects.filter(title="Children").first()) is not None:
        return existing
    return measure_create(
        published_file=published_file,
        title="Children",
        row_filters={"breakdown": "Total"},
        total_filters={},
        count_column="children_count",
        denominator_column="",
        value_column="children_percent",
        unit="percentage",
        polarity="higher",
    )


def upload_by(person):
    content = b"indicator,period,value\n"
    return FigureUpload.objects.create(uploaded_by=person, filename="figures.csv", content=content)


def communications_url_kwargs(name):
    from communications.models import Feedback, Newsletter, YoungPeoplePage

    # Made once, however many pages ask: a test may open several of these pages.
    Newsletter.objects.get_or_create(
        month=datetime.date(2026, 3, 1),
        defaults={"summary": "March", "headline": "Hello", "status": Newsletter.Status.PUBLISHED},
    )
    if not YoungPeoplePage.objects.exists():
        YoungPeoplePage.objects.create(
            introduction="Hello", aims="Aims", pledge="Pledge", done_so_far="Done", help_and_advocacy="Help"
        )
    draft, _ = Newsletter.objects.get_or_create(
        month=datetime.date(2026, 4, 1), defaults={"summary": "April", "headline": "Hello"}
    )
    feedback = Feedback.objects.create(sender="care_leaver", topic="home", message="Thank you")
    return {
        "communications:newsletter": {"year": 2026, "month": 3},
        "communications:newsletter_edit": {"pk": draft.pk},
        "communications:newsletter_publish": {"pk": draft.pk},
        "communications:newsletter_publish_confirm": {"pk": draft.pk},
        "communications:newsletter_unschedule": {"pk": draft.pk},
        "communications:feedback_review": {"pk": feedback.pk},
    }.get(name, {})


def verified_figure_beside(figure):
    """A verified figure of the same indicator, for the period before the given one's (made once,
    however many pages ask)."""
    from indicators.models import Figure

    period = figure.period.previous()
    existing = Figure.objects.filter(
        indicator=figure.indicator, frequency=period.frequency, period_start=period.start
    ).first()
    return existing or factories.FigureFactory(
        indicator=figure.indicator, period_start=period.start, status=Figure.Status.VERIFIED
    )


def url_kwargs(name, demo_strategy, figure):
    if name.startswith("communications:"):
        return communications_url_kwargs(name)
    objective = demo_strategy.objectives[1]
    if name in ("comparisons:file", "comparisons:measure_new"):
        return {"pk": published_statistics_file().pk}
    if name in (
        "comparisons:definition_new",
        "comparisons:measure_edit",
        "comparisons:measure_retire",
        "comparisons:measure_delete",
    ):
        return {"pk": published_measure(published_statistics_file()).pk}
    if name in ("comparisons:need_profile", "comparisons:need_profile_pdf", "comparisons:need_profile_edit"):
        return {"pk": a_need_profile(published=True).pk}
    if name == "comparisons:need_profile_publish":
        return {"pk": a_need_profile(published=False).pk}
    if name.startswith("board:") and name != "board:overview":
        report = factories.compiled_report(demo_strategy.strategy, status=EvaluationReport.Status.PUBLISHED)
        meeting = factories.MeetingFactory()
        return {
            "board:meeting": {"pk": meeting.pk},
            "board:meeting_new": {},
            "board:meeting_edit": {"pk": meeting.pk},
            "board:meeting_attendance": {"pk": meeting.pk},
            "board:meeting_minutes": {"pk": meeting.pk},
            "board:meeting_minutes_approve": {"pk": meeting.pk},
            "board:meeting_apologies": {"pk": meeting.pk},
            "board:meeting_pack": {"pk": meeting.pk},
            "board:meeting_record_add": {"pk": meeting.pk, "kind": "decision"},
            "board:action_done": {"pk": factories.BoardActionFactory(raised_at=meeting).pk},
            "board:action_reopen": {"pk": factories.BoardActionFactory(raised_at=meeting, status="done").pk},
            "board:actions": {},
            "board:actions_open": {},
            "board:paper": {"pk": factories.paper_for(meeting).pk},
            "board:run": {"pk": report.compile_run.pk},
            "board:report_step": {"pk": report.pk, "step": "approve"},
            "board:report_comment": {"pk": report.pk, "reference": report.data.indicators[0].reference},
            "board:report_chart": {"pk": report.pk, "reference": report.data.indicators[0].reference},
            "board:report_compile": {},
            "board:reports": {},
        }.get(name, {"pk": report.pk})
    return {
        "objectives:detail": {"number": objective.number},
        "objectives:action": {"pk": objective.actions.first().pk},
        "indicators:detail": {"pk": objective.indicators.first().pk},
        "indicators:figure_edit": {"pk": figure.indicator_id, "start": figure.period_start.isoformat()},
        "indicators:figure_send_back": {"pk": figure.pk},
        "indicators:figure_action": {"pk": figure.pk, "action": "verify"},
        "indicators:figure_reopen_request": {"pk": verified_figure_beside(figure).pk},
        "indicators:organisation_remind": {"organisation_pk": figure.indicator.owner_id},
        "indicators:import_preview": {"pk": upload_by(figure.indicator.owner.users.get()).pk},
        "indicators:import_template": {"fmt": "xlsx"},
        "indicators:catalogue_adopt": {"code": "cla-missing"},
        "indicators:indicator_breakdowns": {"pk": figure.indicator_id},
        "indicators:dimension_edit": {"pk": a_dimension().pk},
        "indicators:group_new": {"dimension_pk": a_dimension().pk},
        "indicators:group_edit": {"dimension_pk": a_dimension().pk, "pk": a_dimension().groups.first().pk},
        "indicators:targets": {"pk": figure.indicator_id},
        "indicators:export": {"fmt": "csv"},
        "password_reset_confirm": {"uidb64": "MQ", "token": "not-a-real-token"},
        "api_tokens:revoke": {"pk": 1},
    }.get(name, {})


def a_dimension():
    from indicators.breakdown_standards import standard_dimensions_ensure
    from indicators.models import BreakdownDimension, BreakdownGroup

    standard_dimensions_ensure(BreakdownDimension, BreakdownGroup)
    return BreakdownDimension.objects.get(code="age_band")


def a_need_profile(*, published: bool):
    from indicators.models import BreakdownGroup, NeedProfile

    a_dimension()
    group = BreakdownGroup.objects.get(dimension__code="uasc", code="yes")
    return NeedProfile.objects.create(
        group=group,
        title="Profile of need: UASC",
        status=NeedProfile.Status.PUBLISHED if published else NeedProfile.Status.DRAFT,
        published_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC) if published else None,
    )


def test_every_page_has_an_access_rule():
    missing = set(portal_url_names()) - set(EXPECTED)
    assert not missing, f"Add an access rule to EXPECTED for: {', '.join(sorted(missing))}"
    stale = set(EXPECTED) - set(portal_url_names())
    assert not stale, f"EXPECTED names pages that no longer exist: {', '.join(sorted(stale))}"


def sign_in_as(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))


def check_answer(response, expected, url):
    if expected == "sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login")), response["Location"]
    elif expected == "admin-sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login")), response["Location"]
    elif expected == "any-sign-in":
        assert response.status_code == 302
        assert response["Location"].startswith((reverse("login"), reverse("admin:login"))), response[
            "Location"
        ]
    else:
        assert response.status_code == expected, f"{url} gave {response.status_code}, expected {expected}"
        if expected == 200 and response["Content-Type"].startswith("text/html"):
            title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)
            assert "<" not in title and title.strip(), f"{url} has a broken title: {title!r}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_access(client, request, demo_strategy, contributors_figure, name, persona):
    url = reverse(name, kwargs=url_kwargs(name, demo_strategy, contributors_figure))
    sign_in_as(client, request, persona)
    check_answer(client.get(url), EXPECTED[name][persona], url)


@pytest.mark.parametrize("persona", PERSONAS)
def test_admin_pages_are_for_administrators_only(client, request, demo_strategy, persona):
    sign_in_as(client, request, persona)
    names = admin_url_names_without_arguments()
    assert "admin:index" in names
    for name in names:
        url = reverse(name)
        if name == "admin:login" or name == "admin:logout":
            continue
        expected = ADMIN_EXCEPTIONS.get((name, persona), ADMIN_RULE[persona])
        check_answer(client.get(url), expected, url)


@pytest.mark.parametrize("persona", ["officer", "contributor", "board_member", "councillor"])
def test_roles_without_staff_status_cannot_use_the_admin_sign_in(client, request, persona):
    sign_in_as(client, request, persona)
    response = client.get(reverse("admin:index"), follow=True)
    assert b"Site administration" not in response.content


@pytest.mark.parametrize("name", ["indicators:figure_edit", "indicators:figure_send_back"])
def test_another_organisations_contributor_gets_not_found(
    client, demo_strategy, other_contributor, contributors_figure, name
):
    client.force_login(other_contributor)
    url = reverse(name, kwargs=url_kwargs(name, demo_strategy, contributors_figure))
    assert client.get(url).status_code == 404


# Pages that only take a POST: who is refused, and how. (Allowed roles' journeys are in
# the tests of each feature.)
REFUSED_POSTS = {
    "board:meeting_minutes_approve": {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:meeting_record_add": {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:action_done": {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:action_reopen": {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:report_compile": {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:report_step": {"contributor": 403, "board_member": 403, "councillor": 403},
    "board:report_invite": {"contributor": 403, "board_member": 403, "councillor": 403},
    "indicators:figure_action": {"board_member": 403, "councillor": 403},
    "indicators:organisation_remind": {"contributor": 403, "board_member": 403, "councillor": 403},
    "indicators:email_setting": {"board_member": 403, "councillor": 403},
    "comparisons:measure_retire": {"contributor": 403, "board_member": 403, "councillor": 403},
    "comparisons:need_profile_publish": {"contributor": 403, "board_member": 403, "councillor": 403},
    "two_factor_turn_off": {"officer": 403, "superuser": 403},
}


def posted_expectations():
    """Every refusal a GET gets, a POST gets too; plus the refusals of POST-only pages."""
    for name, rule in sorted(EXPECTED.items()):
        refused = {persona: answer for persona, answer in rule.items() if answer in ("sign-in", 403, 404)}
        refused |= REFUSED_POSTS.get(name, {})
        for persona, answer in sorted(refused.items()):
            yield name, persona, answer


def recorded_changes() -> int:
    return AuditEntry.objects.filter(event__in=["created", "changed", "deleted"]).count()


@pytest.mark.parametrize("name, persona, expected", list(posted_expectations()))
def test_a_refused_post_is_refused_and_changes_nothing(
    client, request, demo_strategy, contributors_figure, name, persona, expected
):
    url = reverse(name, kwargs=url_kwargs(name, demo_strategy, contributors_figure))
    sign_in_as(client, request, persona)
    before = recorded_changes()
    check_answer(client.post(url, {"submit": ""}), expected, url)
    assert recorded_changes() == before, f"{persona} was refused {url} but something changed"
