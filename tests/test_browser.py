"""Journeys in a real browser: Debian's Chromium driven by Playwright."""

import datetime
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse

from indicators.models import Figure, PerformanceIndicator
from portal.models import User
from portal.roles import Role

from . import factories
from . import test_access as access
from .factories import PASSWORD

WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def assert_accessible(page):
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}})
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def sign_in_by_keyboard(page, live_server, username):
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/account/sign-in/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    page.wait_for_url(lambda url: "/account/sign-in/" not in url)
    if "/account/two-factor/verify/" in page.url:
        assert_accessible(page)
        code = factories.current_code(User.objects.get(username=username))
        page.get_by_label("Code from your authenticator app").fill(code)
        page.get_by_label("Code from your authenticator app").press("Enter")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_officer_signs_in_and_opens_an_objective(live_server, officer, demo_strategy, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/account/sign-in/")
    assert_accessible(page)
    sign_in_by_keyboard(page, live_server, officer.username)
    assert page.get_by_role("heading", name="Your corporate parenting home").is_visible()
    assert page.get_by_role("heading", name="Needs your attention").is_visible()
    assert_accessible(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Strategy").click()
    assert page.get_by_role("heading", name="Corporate Parenting Strategy 2006-2009").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name=demo_strategy.objectives[2].statement).click()
    assert page.get_by_role("heading", level=1).inner_text() == demo_strategy.objectives[2].title
    assert page.get_by_text("Number of children and young people contributing to their reviews.").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="PI 2.1 Number of children and young people contributing").click()
    assert page.get_by_text("Higher is better").is_visible()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_wrong_password_is_explained_in_an_error_summary(live_server, officer, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Username").fill(officer.username)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "Enter a correct username and password" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_role_browses_without_errors(
    live_server, demo_strategy, contributor, board_member, councillor, browser_page
):
    page = browser_page
    for person in (contributor, board_member, councillor):
        sign_in_by_keyboard(page, live_server, person.username)
        for link in page.get_by_role("navigation", name="Menu").get_by_role("link").all():
            href = link.get_attribute("href")
            response = page.request.get(f"{live_server.url}{href}")
            assert response.status == 200, f"{person.username} {href}"
        assert_accessible(page)
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_url(f"{live_server.url}/account/sign-in/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_contributor_enters_a_figure_corrects_an_error_and_submits(
    live_server, demo_strategy, contributor, browser_page
):
    page = browser_page
    indicator = PerformanceIndicator.objects.get(owner=contributor.organisation)
    sign_in_by_keyboard(page, live_server, contributor.username)
    page.goto(f"{live_server.url}{indicator.get_absolute_url()}")
    assert_accessible(page)
    page.get_by_role("link", name="Enter").first.click()
    assert_accessible(page)
    page.get_by_label("Figure (count)").fill("twelve")
    page.get_by_role("button", name="Save and submit").click()
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible() and "Enter a number, like 12 or 45.5" in summary.inner_text()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    summary.get_by_role("link").first.click()  # the summary's link takes focus to the field
    assert page.evaluate("document.activeElement.id") == "id_value"
    page.keyboard.press("Control+A")
    page.keyboard.type("12")
    page.get_by_role("button", name="Save and submit").click()
    assert page.get_by_text("has been submitted for verification").is_visible()
    figure = Figure.objects.get(indicator=indicator)
    assert (figure.value, figure.status) == (12, Figure.Status.SUBMITTED)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", ["anonymous", "officer"])
def test_every_page_reflows_at_320_css_pixels(
    live_server, request, demo_strategy, contributors_figure, persona, browser_page
):
    paths = html_pages_for(persona, request, demo_strategy, contributors_figure)
    page = browser_page
    if persona != "anonymous":
        sign_in_by_keyboard(page, live_server, request.getfixturevalue(persona).username)
    page.set_viewport_size({"width": 320, "height": 800})
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{path} scrolls sideways at 320px"


@pytest.mark.browser
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_report_journey_from_compiling_to_the_board_reading_it(
    live_server, demo_strategy, officer, board_member, redis_url, browser_page
):
    second_officer = factories.UserFactory(username="sam", roles=[Role.OFFICER])
    from celery.contrib.testing.worker import start_worker

    from config.celery import app as celery_app

    meeting = factories.MeetingFactory(
        date=datetime.date.today() + datetime.timedelta(days=14), status="scheduled"
    )
    page = browser_page
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        sign_in_by_keyboard(page, live_server, officer.username)
        page.goto(f"{live_server.url}{reverse('board:reports')}")
        page.get_by_role("button", name="Compile the report for").click()
        for _ in range(60):
            if page.get_by_role("link", name="Read version 1 of the report").count():
                break
            page.wait_for_timeout(500)
            page.get_by_role("link", name="Refresh this page").click()
        page.get_by_role("link", name="Read version 1 of the report").click()
    assert_accessible(page)
    page.get_by_role("link", name="Write the commentary").click()
    page.get_by_label("Executive summary").fill("Most indicators are on or near target.")
    page.get_by_role("button", name="Save commentary").click()
    page.get_by_role("button", name="Submit for approval").click()
    # Four eyes: another officer approves.
    report_url = page.url
    page.get_by_role("button", name="Sign out").click()
    sign_in_by_keyboard(page, live_server, second_officer.username)
    page.goto(report_url)
    page.get_by_role("button", name="Approve").click()
    page.get_by_label("Add it to the papers for a meeting").select_option(label=str(meeting))
    page.get_by_role("button", name="Publish to the Board").click()
    assert page.get_by_text("The report is now published.").is_visible()
    page.get_by_role("button", name="Sign out").click()

    sign_in_by_keyboard(page, live_server, board_member.username)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_role("link", name="Evaluation of the strategy").click()
    assert page.get_by_text("Most indicators are on or near target.").is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="the report (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")


def html_pages_for(persona, request, demo_strategy, contributors_figure) -> list[str]:
    """Every portal page the access policy opens to this persona, that answers with HTML."""
    client = Client()
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    paths = []
    for name, rule in sorted(access.EXPECTED.items()):
        if rule[persona] != 200:
            continue
        path = reverse(name, kwargs=access.url_kwargs(name, demo_strategy, contributors_figure))
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            paths.append(path)
    return paths


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("persona", access.PERSONAS)
def test_every_page_passes_the_accessibility_scan_for_every_role(
    live_server, request, demo_strategy, contributors_figure, persona, browser_page
):
    from indicators.catalogue import catalogue_load
    from indicators.models import CatalogueEntry

    catalogue_load(CatalogueEntry)  # a data migration's rows do not survive earlier transactional tests
    paths = html_pages_for(persona, request, demo_strategy, contributors_figure)
    assert len(paths) >= (4 if persona == "anonymous" else 8), paths
    page = browser_page
    if persona != "anonymous":
        sign_in_by_keyboard(page, live_server, request.getfixturevalue(persona).username)
    for path in paths:
        assert page.goto(f"{live_server.url}{path}").status == 200, (persona, path)
        assert_accessible(page)


def tab_to(page, matches, limit=80):
    """Press Tab until the focused element matches; every stop must show a visible focus style."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
                return {text: (e.innerText || e.value || '').trim(), id: e.id, tag: e.tagName,
                        href: e.getAttribute('href'),
                        visible: s.outlineStyle !== 'none' || s.boxShadow !== 'none' ||
                                 s.backgroundColor === 'rgb(255, 221, 0)'}; }"""
        )
        assert focused["visible"], f"No visible focus on {focused}"
        if matches(focused):
            return focused
    raise AssertionError("Tab never reached the element")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_contributor_enters_a_figure_with_the_keyboard_alone(
    live_server, demo_strategy, contributor, browser_page
):
    page = browser_page
    indicator = PerformanceIndicator.objects.get(owner=contributor.organisation)
    sign_in_by_keyboard(page, live_server, contributor.username)
    page.goto(f"{live_server.url}{indicator.get_absolute_url()}")
    tab_to(page, lambda focused: focused["tag"] == "A" and focused["text"].startswith("Enter"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/figures/**")
    tab_to(page, lambda focused: focused["id"] == "id_value")
    page.keyboard.type("17")
    page.keyboard.press("Enter")  # the form's first button: save and submit
    page.wait_for_url(f"{live_server.url}{indicator.get_absolute_url()}")
    assert page.get_by_text("has been submitted for verification").is_visible()
    assert Figure.objects.get(indicator=indicator).value == 17


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_published_statistics_pages_pass_the_accessibility_scan_and_reflow(
    live_server, demo_strategy, officer, board_member, browser_page
):
    from comparisons.demo import NEIGHBOURS_FILE, PLACEMENT_STABILITY_FILE, published_statistics_load
    from comparisons.models import PublishedFile, PublishedMeasure
    from indicators.catalogue import catalogue_load
    from indicators.models import CatalogueEntry
    from indicators.services import catalogue_adopt

    catalogue_load(CatalogueEntry)  # a data migration's rows do not survive earlier transactional tests
    published_statistics_load()
    indicator = catalogue_adopt(
        entry=CatalogueEntry.objects.get(code="cla-placements-3-plus"), objective=demo_strategy.objectives[1]
    )
    statistics = PublishedFile.objects.get(filename=PLACEMENT_STABILITY_FILE.name)
    neighbours = PublishedFile.objects.get(filename=NEIGHBOURS_FILE.name)
    indicator_measure = PublishedMeasure.objects.get(catalogue_entry__code="cla-placements-3-plus")
    officer_pages = [
        reverse("comparisons:files"),
        reverse("comparisons:upload"),
        reverse("comparisons:file", kwargs={"pk": statistics.pk}),
        reverse("comparisons:file", kwargs={"pk": neighbours.pk}),
        reverse("comparisons:measure_new", kwargs={"pk": statistics.pk}),
        reverse("comparisons:definition_new", kwargs={"pk": PublishedMeasure.objects.first().pk}),
        reverse("comparisons:measure_edit", kwargs={"pk": indicator_measure.pk}),
        reverse("comparisons:measure_delete", kwargs={"pk": indicator_measure.pk}),
        reverse("comparisons:pack_import"),
        reverse("comparisons:report_card"),
        reverse("indicators:list"),
        indicator.get_absolute_url(),
    ]
    page = browser_page
    sign_in_by_keyboard(page, live_server, officer.username)
    for path in officer_pages:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)
    assert page.get_by_role("img", name="Children looked after with 3 or more placements").is_visible()

    # Errors are summarised at the top of the form and scanned too.
    page.goto(f"{live_server.url}{reverse('comparisons:measure_new', kwargs={'pk': statistics.pk})}")
    page.get_by_role("button", name="Save the mapping").click()
    assert page.get_by_text("Enter what the measure is called").first.is_visible()
    assert_accessible(page)

    page.set_viewport_size({"width": 320, "height": 800})
    for path in officer_pages:
        page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
        assert not overflow, f"{path} scrolls sideways at 320px"
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Sign out").click()

    sign_in_by_keyboard(page, live_server, board_member.username)
    for path in (reverse("comparisons:report_card"), indicator.get_absolute_url()):
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)


# Communications: the newsletter, the young people's pages and feedback.


@pytest.fixture
def newsletters_and_pages(demo_strategy):
    from communications.models import Feedback, Newsletter, YoungPeoplePage

    indicator = demo_strategy.objectives[2].indicators.first()
    factories.FigureFactory(indicator=indicator, value=42, status=Figure.Status.VERIFIED)
    published = []
    for month, headline in ((9, "September's news for corporate parents."), (10, "Placements are steadier.")):
        newsletter = Newsletter.objects.create(
            month=datetime.date(2026, month, 1),
            summary="News for corporate parents.",
            headline=headline,
            stories="- A care leaver started university.",
            next_board_meeting="The Board meets in January.",
            training="Induction for new councillors.",
            status=Newsletter.Status.PUBLISHED,
            published_figures=[],
        )
        published.append(newsletter)
    draft = Newsletter.objects.create(
        month=datetime.date(2026, 11, 1), summary="Draft.", headline="Not out yet."
    )
    draft.headline_indicators.set([indicator])
    page = YoungPeoplePage.objects.create(
        introduction="The council is your corporate parent.",
        aims="- You have the same chances as anyone else.",
        pledge="- We will listen to you.",
        pledge_is_demo=True,
        done_so_far="We started these pages.",
        help_and_advocacy="Ask for an advocate at any time.",
    )
    page.indicators.set([indicator])
    feedback = Feedback.objects.create(
        sender="care_leaver",
        topic="home",
        message="Please call me.",
        contact_consent=True,
        reply_phone="07700 900 982",
    )
    return {"published": published, "draft": draft, "feedback": feedback}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_councillor_reads_the_latest_newsletter_and_the_archive(
    live_server, councillor, newsletters_and_pages, browser_page
):
    page = browser_page
    sign_in_by_keyboard(page, live_server, councillor.username)
    assert page.get_by_role("heading", name="The latest newsletter: October 2026").is_visible()
    assert page.get_by_text("Placements are steadier.").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Read the newsletter for October 2026").click()
    assert page.get_by_role("heading", level=1).inner_text() == "October 2026"
    assert page.get_by_role("heading", name="Celebrating achievements").is_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Newsletter").click()
    assert page.get_by_role("link", name="September 2026").is_visible()
    assert page.get_by_role("link", name="November 2026").count() == 0  # the draft
    assert_accessible(page)
    page.get_by_role("link", name="September 2026").click()
    assert page.get_by_text("September's news for corporate parents.").is_visible()
    page.goto(f"{live_server.url}{reverse('account')}")
    page.get_by_role("button", name="Turn off emails: the corporate parenting newsletter").click()
    assert page.get_by_text("The corporate parenting newsletter: turned off.").is_visible()
    assert_accessible(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_young_person_sends_feedback_from_a_phone(live_server, newsletters_and_pages, browser_page):
    from communications.models import Feedback

    page = browser_page
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_role("link", name="Read what your corporate parents promise").click()
    assert page.get_by_role("heading", name="Our pledge to you").is_visible()
    assert page.get_by_text("This pledge is example text").is_visible()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert_accessible(page)

    page.get_by_role("link", name="Tell us what you think").first.click()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert_accessible(page)
    page.get_by_label("What do you want to tell us?").fill("I want more say about where I live.")
    page.get_by_role("button", name="Send").click()
    summary = page.locator(".govuk-error-summary")
    assert "Select who you are" in summary.inner_text()
    assert (
        page.get_by_label("What do you want to tell us?").input_value()
        == "I want more say about where I live."
    )
    assert_accessible(page)
    page.get_by_label("A care leaver").check()
    page.get_by_label("Where I live").check()
    page.get_by_role("button", name="Send").click()
    assert page.get_by_role("heading", name="Thank you for telling us").is_visible()
    assert_accessible(page)
    assert Feedback.objects.filter(message="I want more say about where I live.", reply_email="").exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_communications_page_the_officer_opens_passes_the_accessibility_scan(
    live_server, officer, newsletters_and_pages, browser_page
):
    draft = newsletters_and_pages["draft"]
    pages = [
        reverse("communications:newsletters"),
        reverse("communications:newsletter_new"),
        draft.get_absolute_url(),
        reverse("communications:newsletter_edit", kwargs={"pk": draft.pk}),
        newsletters_and_pages["published"][0].get_absolute_url(),
        reverse("communications:young_people"),
        reverse("communications:young_people_edit"),
        reverse("communications:feedback_list"),
        newsletters_and_pages["feedback"].get_absolute_url(),
    ]
    page = browser_page
    sign_in_by_keyboard(page, live_server, officer.username)
    for path in pages:
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    for path in (reverse("communications:feedback_list"), draft.get_absolute_url()):
        page.goto(f"{live_server.url}{path}")
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"), path


def press_enter_on(page, matches, limit=80):
    tab_to(page, matches, limit=limit)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def link(text):
    return lambda focused: focused["tag"] == "A" and focused["text"].startswith(text)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_councillor_reads_the_newsletter_with_the_keyboard_alone(
    live_server, councillor, newsletters_and_pages, browser_page
):
    page = browser_page
    sign_in_by_keyboard(page, live_server, councillor.username)
    press_enter_on(page, link("Read the newsletter for October 2026"))
    assert page.get_by_role("heading", level=1).inner_text() == "October 2026"
    press_enter_on(page, link("Newsletter"))
    press_enter_on(page, link("September 2026"))
    assert page.get_by_text("September's news for corporate parents.").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_young_person_sends_feedback_with_the_keyboard_alone(
    live_server, newsletters_and_pages, browser_page
):
    from communications.models import Feedback

    page = browser_page
    page.goto(f"{live_server.url}{reverse('communications:young_people')}")
    press_enter_on(page, link("Tell us what you think"))
    # Tab reaches a group of radios at its first option; the arrow keys choose within it.
    tab_to(page, lambda focused: focused["tag"] == "INPUT" and focused["id"].startswith("id_sender"))
    page.keyboard.press("ArrowDown")  # the second option: a care leaver
    tab_to(page, lambda focused: focused["tag"] == "INPUT" and focused["id"].startswith("id_topic"))
    page.keyboard.press("Space")
    tab_to(page, lambda focused: focused["tag"] == "TEXTAREA")
    page.keyboard.type("Thank you for listening.")
    press_enter_on(page, lambda focused: focused["text"] == "Send")
    assert page.get_by_role("heading", name="Thank you for telling us").is_visible()
    feedback = Feedback.objects.get(message="Thank you for listening.")
    assert feedback.sender == Feedback.Sender.CARE_LEAVER


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_board_member_reads_a_report_with_the_keyboard_alone(
    live_server, demo_strategy, board_member, browser_page
):
    report = factories.compiled_report(demo_strategy.strategy, status="published")
    page = browser_page
    sign_in_by_keyboard(page, live_server, board_member.username)
    press_enter_on(page, link("Board"))
    press_enter_on(page, link("Evaluation reports"))
    press_enter_on(page, lambda focused: focused["href"] == report.get_absolute_url())
    assert page.url == f"{live_server.url}{report.get_absolute_url()}"
    assert page.get_by_text("A good half-year.").is_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_officer_issues_an_api_token_and_copies_it_once(live_server, officer, agency_a, browser_page):
    from api.models import ApiToken

    page = browser_page
    sign_in_by_keyboard(page, live_server, officer.username)
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="API tokens").click()
    assert_accessible(page)
    page.get_by_role("button", name="Issue a token").click()
    page.get_by_role("button", name="Issue the token").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert_accessible(page)
    page.get_by_label("Name of the system").fill("Power BI dashboard")
    page.get_by_label("Read the strategy, verified figures").check()
    expires = datetime.date.today() + datetime.timedelta(days=90)
    page.get_by_label("Day").fill(str(expires.day))
    page.get_by_label("Month").fill(str(expires.month))
    page.get_by_label("Year").fill(str(expires.year))
    page.get_by_role("button", name="Issue the token").click()
    assert page.get_by_text("Token issued for Power BI dashboard").is_visible()
    secret = page.locator("#token-secret").text_content()
    assert secret.startswith("cpp_")
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    page.get_by_role("link", name="Back to API tokens").click()
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke the token for Power BI dashboard").click()
    assert page.get_by_text("The token for Power BI dashboard is revoked").is_visible()
    assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert ApiToken.objects.get().revoked_by == officer


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_officer_verifies_a_figure_from_the_worklist_with_the_keyboard_alone(
    live_server, demo_strategy, officer, contributors_figure, browser_page
):
    page = browser_page
    sign_in_by_keyboard(page, live_server, officer.username)
    assert page.get_by_text("Figures awaiting verification: 1").is_visible()
    assert_accessible(page)
    tab_to(page, lambda focused: focused["tag"] == "INPUT" and focused["id"] == "id_figures")
    page.keyboard.press("Space")
    tab_to(page, lambda focused: focused["text"] == "Verify selected figures")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("1 figure verified.").is_visible()
    contributors_figure.refresh_from_db()
    assert contributors_figure.status == Figure.Status.VERIFIED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_contributor_corrects_a_sent_back_figure_from_the_worklist_with_the_keyboard_alone(
    live_server, demo_strategy, contributor, contributors_figure, browser_page
):
    Figure.objects.filter(pk=contributors_figure.pk).update(
        status=Figure.Status.RETURNED, return_reason="Check the total against the register"
    )
    page = browser_page
    sign_in_by_keyboard(page, live_server, contributor.username)
    assert page.get_by_text("The officer's reason: Check the total against the register").is_visible()
    assert_accessible(page)
    tab_to(page, lambda focused: focused["tag"] == "A" and "/figures/" in (focused["href"] or ""))
    page.keyboard.press("Enter")
    page.wait_for_url("**/figures/**")
    tab_to(page, lambda focused: focused["id"] == "id_value")
    page.keyboard.press("Control+A")
    page.keyboard.type("11")
    page.keyboard.press("Enter")  # save and submit
    page.wait_for_url(f"{live_server.url}{contributors_figure.indicator.get_absolute_url()}")
    contributors_figure.refresh_from_db()
    assert (contributors_figure.value, contributors_figure.status) == (11, Figure.Status.SUBMITTED)
