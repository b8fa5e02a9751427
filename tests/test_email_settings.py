"""Notifications are settings, not code: each person turns off, from *Your account*, each email
their roles receive, and every email the portal sends is recorded and in the audit log."""

import datetime
import html
import smtplib
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from audit.models import AuditEntry
from communications.models import Newsletter
from communications.services import newsletter_deliver
from indicators.choices import Frequency
from indicators.figures import figure_transition, reopen_request_create
from indicators.models import Figure, ReopenRequest
from indicators.notifications import (
    organisation_reminder_request,
    organisation_reminder_send,
    reopen_request_notify,
)
from portal.models import EmailKind, EmailPreference, SentEmail
from portal.roles import Role

from . import factories


def page(response) -> str:
    return html.unescape(response.content.decode())


def turn(client, kind: str, *, on: bool):
    return client.post(reverse("email_setting"), {"kind": kind, "wanted": "yes" if on else "no"}, follow=True)


def assert_recorded_without_the_body(person, kind: EmailKind, message):
    """The email is in the sent-email record and the audit log: kind, recipient, subject; no body."""
    sent = SentEmail.objects.get(recipient=person, kind=kind)
    assert sent.subject == message.subject
    entry = AuditEntry.objects.get(object_type="portal.SentEmail", object_id=str(sent.pk))
    assert entry.event == AuditEntry.Event.CREATED
    logged = str(entry.changes)
    assert kind.value in logged and message.subject in logged
    assert message.body.strip().splitlines()[0] not in logged  # "Hello <name>," is not kept
    assert person.email not in logged


@pytest.fixture
def owned_indicator(contributor):
    objective = factories.ObjectiveFactory(strategy=factories.StrategyFactory(is_current=True))
    return factories.IndicatorFactory(
        objective=objective, owner=contributor.organisation, frequency=Frequency.QUARTERLY
    )


def send_back(figure, officer, capture):
    with capture(execute=True):
        figure_transition(
            figure_id=figure.pk,
            user=officer,
            to_status=Figure.Status.RETURNED,
            expected_version=figure.version,
            reason="Check the total",
        )


def test_a_contributor_turns_each_figures_email_off_and_on_from_their_account(
    client, contributor, officer, owned_indicator, django_capture_on_commit_callbacks
):
    client.force_login(contributor)
    account = page(client.get(reverse("account")))
    assert "When a figure is sent back" in account and "Reminders of overdue figures" in account
    assert "The corporate parenting newsletter" not in account  # not a councillor

    answer = page(turn(client, "sent_back", on=False))
    assert "When a figure is sent back: turned off." in answer
    assert "Turned off: you do not get these emails." in answer
    first = factories.FigureFactory(indicator=owned_indicator, status=Figure.Status.SUBMITTED)
    send_back(first, officer, django_capture_on_commit_callbacks)
    assert mail.outbox == []

    assert "When a figure is sent back: turned on." in page(turn(client, "sent_back", on=True))
    period = factories.last_ended_period(Frequency.QUARTERLY).previous()
    second = factories.FigureFactory(
        indicator=owned_indicator, period_start=period.start, status=Figure.Status.SUBMITTED
    )
    send_back(second, officer, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [contributor.email]
    assert_recorded_without_the_body(contributor, EmailKind.SENT_BACK, message)
    # Each change of the setting is in the audit log too.
    assert AuditEntry.objects.filter(object_type="portal.EmailPreference").count() >= 2


def test_a_councillor_turns_the_newsletter_off_from_their_account(client, councillor):
    other = factories.UserFactory(username="lee", roles=[Role.ELECTED_MEMBER])
    client.force_login(councillor)
    account = page(client.get(reverse("account")))
    assert "You get an email when a new corporate parenting newsletter is published." in account
    assert "When a figure is sent back" not in account
    assert "The corporate parenting newsletter: turned off." in page(turn(client, "newsletter", on=False))

    issue = Newsletter.objects.create(
        month=datetime.date(2026, 10, 1),
        summary="Summary",
        headline="Thank you",
        status=Newsletter.Status.PUBLISHED,
    )
    newsletter_deliver(newsletter_id=issue.pk)
    [message] = mail.outbox
    assert message.to == [other.email]
    assert_recorded_without_the_body(other, EmailKind.NEWSLETTER, message)
    assert not SentEmail.objects.filter(recipient=councillor).exists()


def test_the_officer_is_emailed_once_about_a_reopen_request_and_can_turn_it_off(
    client, officer, contributor, owned_indicator, django_capture_on_commit_callbacks
):
    second_officer = factories.UserFactory(username="sam", roles=[Role.OFFICER])
    figure = factories.FigureFactory(indicator=owned_indicator, status=Figure.Status.VERIFIED, value=D(7))
    with django_capture_on_commit_callbacks(execute=True):
        request = reopen_request_create(figure=figure, user=contributor, reason="We counted one carer twice")
    assert sorted(message.to[0] for message in mail.outbox) == [officer.email, second_officer.email]
    assert "We counted one carer twice" in mail.outbox[0].body
    assert reopen_request_notify(request_id=request.pk) == 0  # a repeated job emails nobody again
    assert len(mail.outbox) == 2
    message = next(message for message in mail.outbox if message.to == [officer.email])
    assert_recorded_without_the_body(officer, EmailKind.REOPEN_REQUEST, message)
    assert "We counted one carer twice" not in str(
        AuditEntry.objects.filter(object_type="portal.SentEmail").values_list("changes", flat=True)
    )

    client.force_login(officer)
    assert "When a contributor asks you to reopen a verified figure" in page(client.get(reverse("account")))
    turn(client, "reopen_request", on=False)
    figure.reopen_requests.update(closed_at="2026-01-01T00:00:00Z")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reopen_request_create(figure=figure, user=contributor, reason="Still wrong")
    assert [message.to for message in mail.outbox] == [[second_officer.email]]


def test_a_board_member_receives_no_email_to_turn_off_and_cannot_set_one(client, board_member):
    client.force_login(board_member)
    account = page(client.get(reverse("account")))
    assert "The portal sends you no emails except a password reset link when you ask for one." in account
    assert "Turn off" not in account
    answer = page(turn(client, "newsletter", on=False))
    assert "Choose which email to turn on or off." in answer
    assert not EmailPreference.objects.filter(person=board_member).exists()


@pytest.mark.parametrize("persona", ["officer", "contributor", "board_member", "councillor"])
def test_everyone_has_the_email_settings_of_their_roles(client, request, persona):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    account = page(client.get(reverse("account")))
    expected = {kind.label for kind in EmailKind if kind.roles & person.roles}
    unexpected = {kind.label for kind in EmailKind if not kind.roles & person.roles} - {
        EmailKind.PASSWORD_RESET.label
    }
    assert '<h2 class="govuk-heading-m" id="emails">Emails</h2>' in account
    assert all(label in account for label in expected)
    assert not any(label in account for label in unexpected)
    assert account.count(">Turn off<") == len(expected)


def test_a_person_with_two_roles_gets_the_settings_of_both(client, agency_a):
    person = factories.UserFactory(
        username="dual", roles=[Role.CONTRIBUTOR, Role.ELECTED_MEMBER], organisation=agency_a
    )
    client.force_login(person)
    account = page(client.get(reverse("account")))
    assert "When a figure is sent back" in account and "The corporate parenting newsletter" in account


def test_a_password_reset_email_is_recorded(client, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("password_reset"), {"email": officer.email})
    [message] = mail.outbox
    assert_recorded_without_the_body(officer, EmailKind.PASSWORD_RESET, message)
    entry = AuditEntry.objects.get(object_type="portal.SentEmail")
    assert "/account/password/reset/" not in str(entry.changes)  # never the link


class FailsOnceForSam(EmailBackend):
    """A mail server that refuses one officer's address the first time, as a real one sometimes does."""

    refused: set[str] = set()

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            if address.startswith("sam") and address not in self.refused:
                self.refused.add(address)
                raise smtplib.SMTPRecipientsRefused({address: (450, b"try later")})
        return super().send_messages(messages)


def test_a_retried_reopen_request_job_emails_each_officer_exactly_once(
    officer, contributor, owned_indicator, settings
):
    settings.EMAIL_BACKEND = "tests.test_email_settings.FailsOnceForSam"
    FailsOnceForSam.refused = set()
    factories.UserFactory(username="sam", email="sam@example.org", roles=[Role.OFFICER])
    third = factories.UserFactory(username="tess", email="tess@example.org", roles=[Role.OFFICER])
    figure = factories.FigureFactory(indicator=owned_indicator, status=Figure.Status.VERIFIED, value=D(7))
    request = ReopenRequest.objects.create(figure=figure, requested_by=contributor, reason="Counted twice")
    with pytest.raises(smtplib.SMTPException):
        reopen_request_notify(request_id=request.pk)  # the 2nd officer's send fails; the job is retried
    assert sorted(message.to[0] for message in mail.outbox) == [officer.email, third.email]
    assert reopen_request_notify(request_id=request.pk) == 1  # the retry emails only the one waiting
    assert reopen_request_notify(request_id=request.pk) == 0  # and a redelivery nobody
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [officer.email, "sam@example.org", third.email]
    )


def test_a_retried_organisation_reminder_emails_each_contributor_exactly_once(
    officer, contributor, owned_indicator, settings
):
    settings.EMAIL_BACKEND = "tests.test_email_settings.FailsOnceForSam"
    FailsOnceForSam.refused = set()
    organisation = contributor.organisation
    sam = factories.UserFactory(
        username="sam", email="sam@example.org", roles=[Role.CONTRIBUTOR], organisation=organisation
    )
    factories.FigureFactory(indicator=owned_indicator, status=Figure.Status.RETURNED, value=D(7))
    reminder = organisation_reminder_request(organisation=organisation, user=officer)
    mail.outbox.clear()
    with pytest.raises(smtplib.SMTPException):
        organisation_reminder_send(reminder_id=reminder.pk)
    assert [message.to[0] for message in mail.outbox] == [contributor.email]
    assert organisation_reminder_send(reminder_id=reminder.pk) == 1
    assert organisation_reminder_send(reminder_id=reminder.pk) == 0
    assert sorted(message.to[0] for message in mail.outbox) == sorted([contributor.email, sam.email])
    reminder.refresh_from_db()
    assert reminder.emailed_at is not None and reminder.emails_sent == 2
