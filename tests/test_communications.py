"""The councillors' newsletter, the young people's pages and feedback, as their users meet them."""

import datetime
import re
import smtplib
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from communications.models import Feedback, Newsletter, NewsletterDelivery, YoungPeoplePage
from communications.services import (
    due_newsletters_publish,
    feedback_contacts_erase,
    feedback_review,
    newsletter_deliver,
    newsletter_publish,
)
from communications.tasks import deliver_newsletter
from config.celery import app as celery_app
from indicators.choices import Computation
from indicators.models import Figure, PerformanceIndicator
from indicators.periods import Period
from indicators.selectors import indicator_statuses
from portal.roles import Role

from . import factories
from .factories import last_ended_period

pytestmark = pytest.mark.django_db

FEEDBACK = {
    "sender": "young_person_in_care",
    "topic": "having_a_say",
    "message": "My review went well because people listened.",
}


def make_issue(month=datetime.date(2026, 10, 1), **fields) -> Newsletter:
    defaults = {
        "summary": "Placement stability is up and induction dates are out.",
        "headline": "Thank you, corporate parents.",
        "stories": "- A care leaver started university.",
    }
    return Newsletter.objects.create(month=month, **(defaults | fields))


def verified(indicator, value, period=None, **fields):
    period = period or last_ended_period(indicator.frequency)
    return factories.FigureFactory(
        indicator=indicator, period_start=period.start, value=value, status=Figure.Status.VERIFIED, **fields
    )


@pytest.fixture
def councillors(db):
    return [
        factories.UserFactory(username="kim", roles=[Role.ELECTED_MEMBER]),
        factories.UserFactory(username="lee", roles=[Role.ELECTED_MEMBER]),
    ]


# The newsletter


def test_the_officer_writes_previews_and_publishes_an_issue_emailed_to_each_councillor_once(
    client, officer, councillors, demo_strategy, django_capture_on_commit_callbacks
):
    indicator = demo_strategy.objectives[1].indicators.first()
    verified(indicator, 40)
    client.force_login(officer)
    response = client.post(
        reverse("communications:newsletter_new"),
        {
            "month": timezone.localdate().replace(day=1).isoformat(),
            "summary": "Good news on placements.",
            "headline": "Placements are more stable than last year.",
            "stories": "- Two care leavers began apprenticeships.",
            "next_board_meeting": "The Board meets in January.",
            "training": "Induction for new councillors.",
            "headline_indicators": [indicator.pk],
        },
    )
    newsletter = Newsletter.objects.get()
    assert response["Location"] == newsletter.get_absolute_url()
    assert newsletter.status == Newsletter.Status.DRAFT
    preview = client.get(newsletter.get_absolute_url()).content.decode()
    assert "Elected members cannot see this issue yet" in preview
    assert "Placements are more stable than last year." in preview
    assert indicator.title in preview

    client.force_login(councillors[0])
    assert client.get(newsletter.get_absolute_url()).status_code == 404
    assert newsletter.title not in client.get(reverse("communications:newsletters")).content.decode()

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("communications:newsletter_publish", kwargs={"pk": newsletter.pk}), {"when": "now"}
        )
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.PUBLISHED
    assert sorted(message.to[0] for message in mail.outbox) == ["kim@example.org", "lee@example.org"]
    email = mail.outbox[0]
    url = f"http://127.0.0.1:8000{newsletter.get_absolute_url()}"
    assert url in email.body and "Good news on placements." in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and f'href="{url}"' in html

    newsletter_deliver(newsletter_id=newsletter.pk)  # the job again: nobody gets a second copy
    assert len(mail.outbox) == 2
    assert NewsletterDelivery.objects.filter(sent_at__isnull=False).count() == 2

    client.force_login(councillors[0])
    page = client.get(newsletter.get_absolute_url()).content.decode()
    assert "Placements are more stable than last year." in page
    assert "Elected members cannot see this issue yet" not in page


class FailsOnceFor(EmailBackend):
    """A mail server that refuses one address the first time, as a real one sometimes does."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            if address.startswith("flaky") and address not in self.refused:
                self.refused.add(address)
                raise smtplib.SMTPRecipientsRefused({address: (450, b"try later")})
        return super().send_messages(messages)


def test_a_retry_after_a_failed_send_emails_only_those_still_waiting(councillors, settings):
    settings.EMAIL_BACKEND = "tests.test_communications.FailsOnceFor"
    factories.UserFactory(username="flaky", roles=[Role.ELECTED_MEMBER])
    newsletter = make_issue(status=Newsletter.Status.PUBLISHED)
    with pytest.raises(smtplib.SMTPException):
        newsletter_deliver(newsletter_id=newsletter.pk)
    assert [message.to[0] for message in mail.outbox] == ["kim@example.org", "lee@example.org"]
    assert not NewsletterDelivery.objects.filter(member__username="flaky").exists()
    newsletter_deliver(newsletter_id=newsletter.pk)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "flaky@example.org",
        "kim@example.org",
        "lee@example.org",
    ]


def test_only_subscribed_active_elected_members_with_an_email_are_sent_it(client, councillors, board_member):
    factories.UserFactory(username="noemail", email="", roles=[Role.ELECTED_MEMBER])
    factories.UserFactory(username="left", is_active=False, roles=[Role.ELECTED_MEMBER])
    client.force_login(councillors[1])
    client.post(reverse("communications:newsletter_subscription"), {"subscribed": "no"})
    newsletter_deliver(newsletter_id=make_issue(status=Newsletter.Status.PUBLISHED).pk)
    assert [message.to[0] for message in mail.outbox] == ["kim@example.org"]


def test_a_councillor_unsubscribes_and_resubscribes_from_their_account_page(client, councillors):
    kim = councillors[0]
    client.force_login(kim)
    account = client.get(reverse("account")).content.decode()
    assert "You get an email when a new corporate parenting newsletter is published." in account
    response = client.post(
        reverse("communications:newsletter_subscription"), {"subscribed": "no"}, follow=True
    )
    assert "You will no longer get newsletter emails." in response.content.decode()
    newsletter_deliver(newsletter_id=make_issue(status=Newsletter.Status.PUBLISHED).pk)
    assert [message.to[0] for message in mail.outbox] == ["lee@example.org"]

    response = client.post(
        reverse("communications:newsletter_subscription"), {"subscribed": "yes"}, follow=True
    )
    assert "You will get an email when a new newsletter is published." in response.content.decode()
    later = make_issue(month=datetime.date(2026, 11, 1), status=Newsletter.Status.PUBLISHED)
    newsletter_deliver(newsletter_id=later.pk)
    assert sorted(message.to[0] for message in mail.outbox[1:]) == ["kim@example.org", "lee@example.org"]


def test_only_elected_members_have_a_newsletter_email_to_turn_off(client, board_member):
    client.force_login(board_member)
    assert "Newsletter emails" not in client.get(reverse("account")).content.decode()
    assert (
        client.post(reverse("communications:newsletter_subscription"), {"subscribed": "no"}).status_code
        == 404
    )


def test_drafts_and_scheduled_issues_are_not_found_by_anyone_but_officers(
    client, officer, councillor, board_member, contributor
):
    draft = make_issue()
    scheduled = make_issue(
        month=datetime.date(2026, 11, 1),
        status=Newsletter.Status.SCHEDULED,
        publish_at=timezone.now() + datetime.timedelta(days=3),
    )
    for person in (councillor, board_member):
        client.force_login(person)
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(scheduled.get_absolute_url()).status_code == 404
        assert "October 2026" not in client.get(reverse("communications:newsletters")).content.decode()
    client.force_login(contributor)
    assert client.get(draft.get_absolute_url()).status_code == 403
    client.force_login(officer)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_a_scheduled_issue_is_published_and_emailed_when_its_day_comes(
    client, officer, councillors, django_capture_on_commit_callbacks
):
    newsletter = make_issue()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.force_login(officer)
    response = client.post(
        reverse("communications:newsletter_publish", kwargs={"pk": newsletter.pk}),
        {"when": "later", "date_0": tomorrow.day, "date_1": tomorrow.month, "date_2": tomorrow.year},
        follow=True,
    )
    assert f"will be published on {tomorrow:%-d %B %Y}" in response.content.decode()
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.SCHEDULED and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        assert due_newsletters_publish() == []
        assert due_newsletters_publish(now=newsletter.publish_at + datetime.timedelta(minutes=1)) == [
            newsletter.pk
        ]
        assert due_newsletters_publish(now=newsletter.publish_at + datetime.timedelta(minutes=6)) == []
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.PUBLISHED
    assert len(mail.outbox) == 2


def test_publishing_needs_a_future_day_when_scheduled(client, officer):
    newsletter = make_issue()
    client.force_login(officer)
    url = reverse("communications:newsletter_publish", kwargs={"pk": newsletter.pk})
    page = client.post(url, {"when": "later"}).content.decode()
    assert "Enter the day to publish the newsletter" in page
    today = timezone.localdate()
    page = client.post(
        url, {"when": "later", "date_0": today.day, "date_1": today.month, "date_2": today.year}
    )
    assert "The day to publish must be in the future" in page.content.decode()
    newsletter.refresh_from_db()
    assert newsletter.status == Newsletter.Status.DRAFT


def test_headline_figures_are_verified_only_with_trend_and_small_numbers_hidden(
    demo_strategy, councillor, client
):
    indicators = list(
        PerformanceIndicator.objects.filter(objective__strategy=demo_strategy.strategy, counts_children=True)[
            :3
        ]
    )
    rising, small, unverified = indicators
    latest = last_ended_period(rising.frequency)
    verified(rising, 3010, period=latest.previous())
    verified(rising, 4020, period=latest)
    verified(small, 3)
    factories.FigureFactory(indicator=unverified, value=7707, status=Figure.Status.SUBMITTED)
    newsletter = make_issue(status=Newsletter.Status.DRAFT)
    newsletter.headline_indicators.set(indicators)
    newsletter_publish(newsletter=newsletter)
    client.force_login(councillor)
    page = client.get(newsletter.get_absolute_url()).content.decode()
    assert rising.title in page and "4,020" in page and "Improving since the period before." in page
    assert small.title in page and "Not shown because so few young people are counted." in page
    assert "c: fewer than 6 children or young people" in page
    assert unverified.title not in page and "7,707" not in page

    verified(rising, 9999, period=latest.next())  # a later figure does not change what was published
    assert "9,999" not in client.get(newsletter.get_absolute_url()).content.decode()


def test_councillors_land_on_the_latest_published_newsletter(client, councillor, demo_strategy):
    make_issue(month=datetime.date(2026, 9, 1), status=Newsletter.Status.PUBLISHED, headline="September news")
    make_issue(month=datetime.date(2026, 10, 1), status=Newsletter.Status.PUBLISHED, headline="October news")
    make_issue(month=datetime.date(2026, 11, 1), headline="November draft")
    client.force_login(councillor)
    home = client.get(reverse("home")).content.decode()
    assert "The latest newsletter: October 2026" in home and "October news" in home
    assert "November draft" not in home and "September news" not in home
    archive = client.get(reverse("communications:newsletters")).content.decode()
    assert "September 2026" in archive and "October 2026" in archive and "November 2026" not in archive
    issue = client.get(reverse("communications:newsletter", kwargs={"year": 2026, "month": 9}))
    assert "September news" in issue.content.decode()


def test_each_month_has_one_issue(client, officer):
    make_issue(month=timezone.localdate().replace(day=1))
    client.force_login(officer)
    form = client.get(reverse("communications:newsletter_new")).context["form"]
    months = [value for value, _ in form.fields["month"].choices]
    assert timezone.localdate().replace(day=1).isoformat() not in months
    page = client.post(reverse("communications:newsletter_new"), {"month": "", "headline": ""})
    assert "Select the month this issue is for" in page.content.decode()
    assert "Enter the headline message" in page.content.decode()


# The young people's pages


@pytest.fixture
def young_people_page(demo_strategy):
    page = YoungPeoplePage.objects.create(
        introduction="The council is your corporate parent.",
        aims="You have the same chances as anyone else.",
        pledge="We will listen to you.",
        pledge_is_demo=True,
        done_so_far="We started these pages.",
        help_and_advocacy="Ask for an advocate at any time.",
    )
    return page


def test_young_people_read_the_pages_without_signing_in(client, young_people_page, demo_strategy):
    shown, small, unverified = PerformanceIndicator.objects.filter(
        objective__strategy=demo_strategy.strategy, counts_children=True
    )[:3]
    verified(shown, 4848)
    verified(small, 2)
    factories.FigureFactory(indicator=unverified, value=6161, status=Figure.Status.SUBMITTED)
    young_people_page.indicators.set([shown, small, unverified])
    make_issue(headline="A draft newsletter for councillors")
    response = client.get(reverse("communications:young_people"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "We will listen to you." in page
    assert "This pledge is example text for the demonstration." in page
    assert shown.title in page and "4,848" in page
    assert small.title in page and "Not shown because so few young people are counted." in page
    assert unverified.title not in page and "6,161" not in page
    assert "A draft newsletter for councillors" not in page
    assert reverse("communications:feedback") in page


def test_the_sign_in_page_and_every_footer_link_to_the_young_peoples_pages(client, young_people_page):
    young_people = reverse("communications:young_people")
    assert young_people in client.get(reverse("login")).content.decode()
    assert young_people in client.get(reverse("accessibility")).content.decode()


def test_the_officer_changes_the_young_peoples_pages(client, officer, young_people_page):
    client.force_login(officer)
    url = reverse("communications:young_people_edit")
    data = {
        "introduction": "Hello.",
        "aims": "Our aims.",
        "pledge": "Our agreed pledge.",
        "done_so_far": "Done.",
        "help_and_advocacy": "Help.",
    }
    assert client.post(url, data | {"pledge": ""}).context["form"].errors["pledge"] == ["Enter the pledge"]
    client.post(url, data)
    page = client.get(reverse("communications:young_people")).content.decode()
    assert "Our agreed pledge." in page and "example text" not in page


# Feedback


def test_a_young_person_sends_feedback_anonymously_and_the_officer_acts_on_it(client, officer):
    response = client.post(reverse("communications:feedback"), FEEDBACK)
    assert response["Location"] == reverse("communications:feedback_sent")
    feedback = Feedback.objects.get()
    assert (feedback.sender, feedback.message, feedback.has_contact) == (
        "young_person_in_care",
        FEEDBACK["message"],
        False,
    )

    client.force_login(officer)
    listing = client.get(reverse("communications:feedback_list")).content.decode()
    assert "A young person in care" in listing and "To act on" in listing
    review = client.get(feedback.get_absolute_url()).content.decode()
    assert FEEDBACK["message"] in review and "Sent anonymously" in review
    client.post(
        feedback.get_absolute_url(),
        {"tags": "Reviews, having a say, reviews", "acted_on": "on", "acted_on_note": "Shared with IROs."},
    )
    feedback.refresh_from_db()
    assert feedback.acted_on and feedback.acted_on_note == "Shared with IROs."
    assert sorted(feedback.tags.values_list("name", flat=True)) == ["having a say", "reviews"]
    assert "having a say" in client.get(reverse("communications:feedback_list")).content.decode()
    assert (
        FEEDBACK["message"]
        not in client.get(reverse("communications:feedback_list") + "?show=to-act-on").content.decode()
    )


def test_nothing_typed_is_lost_when_the_form_has_an_error(client):
    message = "Please stop moving me between homes."
    response = client.post(reverse("communications:feedback"), {"message": message, "topic": "home"})
    page = response.content.decode()
    assert "Select who you are" in page and "There is a problem" in page
    assert message in page
    assert re.search(r'value="home"\s+checked', page)
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "contact, error",
    [
        ({"contact_consent": "on"}, "Enter an email address or phone number, or untick the box"),
        ({"reply_email": "me@example.com"}, "Tick the box if you would like a reply"),
        ({"contact_consent": "on", "reply_phone": "call me"}, "Enter a phone number, like 07700 900 982"),
        (
            {"contact_consent": "on", "reply_email": "not an email"},
            "Enter an email address in the correct format",
        ),
    ],
)
def test_contact_details_are_kept_only_with_consent(client, contact, error):
    page = client.post(reverse("communications:feedback"), FEEDBACK | contact).content.decode()
    assert error in page
    assert not Feedback.objects.exists()


def test_contact_details_given_with_consent_are_kept(client):
    client.post(
        reverse("communications:feedback"),
        FEEDBACK | {"contact_consent": "on", "reply_email": "me@example.com", "reply_phone": "07700 900 982"},
    )
    feedback = Feedback.objects.get()
    assert (feedback.contact_consent, feedback.reply_email, feedback.reply_phone) == (
        True,
        "me@example.com",
        "07700 900 982",
    )


def test_long_messages_are_refused_with_the_limit_given(client):
    page = client.post(
        reverse("communications:feedback"), FEEDBACK | {"message": "x" * 2001}
    ).content.decode()
    assert "Your message must be 2000 characters or fewer" in page
    assert not Feedback.objects.exists()


def test_a_filled_honeypot_is_thanked_but_not_kept(client):
    response = client.post(reverse("communications:feedback"), FEEDBACK | {"website": "https://spam.example"})
    assert response["Location"] == reverse("communications:feedback_sent")
    assert not Feedback.objects.exists()
    form_page = client.get(reverse("communications:feedback")).content.decode()
    assert '<div hidden><label for="id_website">' in form_page


def test_one_address_may_send_only_so_many_messages_an_hour(client, settings):
    settings.FEEDBACK_MAX_PER_ADDRESS = 3
    for _ in range(3):
        client.post(reverse("communications:feedback"), FEEDBACK)
    page = client.post(reverse("communications:feedback"), FEEDBACK).content.decode()
    assert "You have sent us a lot of messages in a short time." in page
    assert FEEDBACK["message"] in page  # still there to send later
    assert Feedback.objects.count() == 3
    other = client.post(reverse("communications:feedback"), FEEDBACK, REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302 and Feedback.objects.count() == 4


def test_contact_details_are_erased_after_the_retention_period(settings):
    settings.FEEDBACK_CONTACT_RETENTION_DAYS = 30
    now = timezone.now()
    old = Feedback.objects.create(
        **FEEDBACK,
        contact_consent=True,
        reply_email="old@example.com",
        received_at=now - datetime.timedelta(days=31),
    )
    recent = Feedback.objects.create(
        **FEEDBACK,
        contact_consent=True,
        reply_phone="07700 900 982",
        received_at=now - datetime.timedelta(days=29),
    )
    assert feedback_contacts_erase(now=now) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.reply_email, old.reply_phone, old.message) == ("", "", FEEDBACK["message"])
    assert old.contact_erased_at == now
    assert recent.reply_phone == "07700 900 982"
    assert feedback_contacts_erase(now=now) == 0


def test_the_erasing_job_is_on_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "communications.tasks.erase_expired_feedback_contacts" in tasks
    assert "communications.tasks.publish_due_newsletters" in tasks


def test_young_peoples_feedback_counts_in_the_consultation_indicator(demo_strategy, officer):
    indicator = PerformanceIndicator.objects.get(
        title__startswith="Number of young people taking part in consult"
    )
    indicator.computation = Computation.CONSULTATION_FEEDBACK
    indicator.save()
    period = last_ended_period(indicator.frequency)
    during = timezone.make_aware(datetime.datetime.combine(period.start, datetime.time(12)))
    for sender in ["young_person_in_care", "care_leaver", "care_leaver", "carer", "other"]:
        feedback = Feedback.objects.create(**(FEEDBACK | {"sender": sender}), received_at=during)
        feedback_review(feedback=feedback, tags=[], acted_on=False, counts_as_consultation=True)
    Feedback.objects.create(**FEEDBACK, received_at=during - datetime.timedelta(days=400))
    Feedback.objects.create(**FEEDBACK, received_at=during)  # not read yet: not counted
    status = indicator_statuses([indicator], user=officer)[0]
    row = next(row for row in status.rows if row.period == period)
    assert row.value == 3  # young people's, once counted; never carers' or others'
    assert Period.containing(indicator.frequency, during.date()) == period


def test_the_demo_has_a_year_of_newsletters_young_peoples_pages_and_feedback(db, settings, client):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo", password="a-demo-password-for-tests")
    assert Newsletter.objects.count() == 12
    assert Newsletter.objects.filter(status=Newsletter.Status.DRAFT).count() == 1
    assert YoungPeoplePage.objects.get().pledge_is_demo
    assert Feedback.objects.from_young_people().exists()
    consultation = PerformanceIndicator.objects.get(title__startswith="Number of young people taking part")
    assert consultation.computation == Computation.CONSULTATION_FEEDBACK
    assert not mail.outbox  # back issues email nobody
    call_command("load_demo", password="a-demo-password-for-tests")
    assert Newsletter.objects.count() == 12

    client.login(username="councillor", password="a-demo-password-for-tests")
    latest = Newsletter.objects.published().latest_first().first()
    assert f"The latest newsletter: {latest.title}" in client.get(reverse("home")).content.decode()
    assert client.get(reverse("communications:young_people")).status_code == 200


# A real worker


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("Timed out waiting for the worker")


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_emails_each_subscriber_once_however_often_the_job_runs(councillors, redis_url):
    newsletter = make_issue()
    celery_app.control.purge()
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        newsletter_publish(newsletter=newsletter)  # enqueued once the change is committed
        wait_for(lambda: NewsletterDelivery.objects.filter(sent_at__isnull=False).count() == 2)
        deliver_newsletter.delay(newsletter_id=newsletter.pk)  # repeated, as a redelivered message would be
        deliver_newsletter.delay(newsletter_id=newsletter.pk)
        factories.UserFactory(username="new", roles=[Role.ELECTED_MEMBER])
        deliver_newsletter.delay(newsletter_id=newsletter.pk)
        wait_for(lambda: NewsletterDelivery.objects.filter(sent_at__isnull=False).count() == 3)
        broker = redis.Redis.from_url(redis_url)
        wait_for(lambda: broker.llen("celery") == 0 and broker.hlen("unacked") == 0)  # every job has run
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["kim@example.org", "lee@example.org", "new@example.org"]


def test_the_pages_say_they_are_being_written_before_the_officer_writes_them(client, officer):
    page = client.get(reverse("communications:young_people")).content.decode()
    assert "These pages are being written." in page
    client.force_login(officer)
    assert "Write these pages" in client.get(reverse("communications:young_people")).content.decode()


def test_a_published_issue_cannot_be_published_again(councillors, django_capture_on_commit_callbacks):
    from django.core.exceptions import ValidationError

    newsletter = make_issue()
    with django_capture_on_commit_callbacks(execute=True):
        newsletter_publish(newsletter=newsletter)
    with pytest.raises(ValidationError):
        newsletter_publish(newsletter=newsletter)
    assert len(mail.outbox) == 2


def test_headline_figures_show_their_target_rounded_to_whole_percentages(demo_strategy, councillor, client):
    from decimal import Decimal

    from communications.selectors import readable_figure
    from indicators.choices import Unit

    indicator = PerformanceIndicator.objects.filter(
        objective__strategy=demo_strategy.strategy, counts_children=False
    ).first()
    indicator.unit = Unit.PERCENTAGE
    indicator.save()
    latest = last_ended_period(indicator.frequency)
    verified(indicator, Decimal("61.46"), period=latest)
    factories.TargetFactory(indicator=indicator, period_start=latest.start, value=Decimal("70"))
    newsletter = make_issue(status=Newsletter.Status.DRAFT)
    newsletter.headline_indicators.set([indicator])
    newsletter_publish(newsletter=newsletter)
    client.force_login(councillor)
    page = client.get(newsletter.get_absolute_url()).content.decode()
    assert "61%" in page and "61.46" not in page and "Target 70%: off target." in page
    assert readable_figure(Decimal("1234.5"), Unit.COUNT) == "1,235"
    assert readable_figure(Decimal("12.5"), Unit.COUNT) == "12.5"
