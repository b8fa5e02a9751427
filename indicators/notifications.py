"""Emails about figures: to contributors when a figure is sent back or the officer sends a
reminder, and to the officers when a contributor asks them to reopen a verified figure."""

import datetime
import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from outbox.services import job_schedule
from portal.models import EmailKind, EmailPreference, User
from portal.roles import GROUP_NAMES, Role
from portal.services import email_send

from .models import (
    FigureChange,
    OrganisationReminder,
    OrganisationReminderNotification,
    ReopenRequest,
    ReopenRequestNotification,
    SendBackNotification,
)

logger = logging.getLogger(__name__)


def organisation_contributors(organisation_id: int, *, email: EmailKind):
    """The organisation's active contributors with an address who have not turned this email off."""
    return (
        User.objects.filter(
            is_active=True, organisation_id=organisation_id, groups__name=GROUP_NAMES[Role.CONTRIBUTOR]
        )
        .exclude(email="")
        .exclude(pk__in=EmailPreference.objects.turned_off(email))
        .select_related("organisation")
        .distinct()
        .order_by("pk")
    )


def _email(*, kind: EmailKind, template: str, subject: str, context: dict, to: User) -> None:
    context = {
        **context,
        "base_url": settings.PORTAL_BASE_URL,
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "contact_email": settings.CONTACT_EMAIL,
    }
    text = render_to_string(f"indicators/email/{template}.txt", context)
    html = render_to_string(f"indicators/email/{template}.html", context)
    email_send(kind=kind, recipient=to, subject=subject, text=text, html=html)


def sent_back_notify(*, change_id: int) -> int:
    """Email the owning organisation's contributors that a figure was sent back. Returns emails sent.

    Each email is claimed (a row unique per send-back and person) before it goes
    and marked sent after, so a retried job emails nobody twice. A failed send
    gives its claim back and is raised at the end, so a retry tries only those.
    """
    change = (
        FigureChange.objects.select_related("figure__indicator__objective", "figure__indicator__owner")
        .filter(pk=change_id, event=FigureChange.Event.RETURNED)
        .first()
    )
    if change is None or change.figure.indicator.owner_id is None:
        return 0
    figure = change.figure
    sent, failures = 0, []
    for person in organisation_contributors(figure.indicator.owner_id, email=EmailKind.SENT_BACK):
        try:
            with transaction.atomic():
                claim = SendBackNotification.objects.create(change=change, recipient=person)
        except IntegrityError:
            continue  # emailed by an earlier or a concurrent run
        try:
            _email(
                kind=EmailKind.SENT_BACK,
                template="sent_back",
                subject=f"A figure was sent back: {figure.indicator.reference} {figure.period.label}",
                context={"user": person, "figure": figure, "change": change},
                to=person,
            )
        except (SMTPException, OSError) as error:
            claim.delete()
            logger.warning(
                "Could not email send-back %s to %s: %s", change.pk, person.pk, type(error).__name__
            )
            failures.append(error)
            continue
        claim.sent_at = timezone.now()
        claim.save(update_fields=["sent_at"])
        sent += 1
    if failures:
        raise failures[0]
    return sent


def organisation_reminder_request(*, organisation, user, today: datetime.date | None = None):
    """The officer asks for a reminder to go to an organisation now; at most one a day."""
    if not user.has_perm("indicators.verify_figure"):
        raise PermissionDenied
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            reminder = OrganisationReminder.objects.create(
                organisation=organisation, sent_on=today, sent_by=user
            )
    except IntegrityError:
        raise ValidationError(
            f"{organisation} has already been sent a reminder today: you can send another tomorrow"
        ) from None
    job_schedule(task="indicators.tasks.send_organisation_reminder", arguments={"reminder_id": reminder.pk})
    return reminder


def _claim_and_send(*, people, claim, send, what: str) -> tuple[int, list[Exception]]:
    """Email each person once: claim a row unique per job and person in its own small
    transaction, send outside it, mark it sent; a failed send gives its claim back."""
    sent, failures = 0, []
    for person in people:
        try:
            with transaction.atomic():
                row = claim(person)
        except IntegrityError:
            continue  # emailed by an earlier or a concurrent run
        try:
            send(person)
        except (SMTPException, OSError) as error:
            row.delete()
            logger.warning("Could not email %s to %s: %s", what, person.pk, type(error).__name__)
            failures.append(error)
            continue
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at"])
        sent += 1
    return sent, failures


def organisation_reminder_send(*, reminder_id: int) -> int:
    """Email the organisation's contributors the figures they owe. Sends once, however often run.

    Each email is claimed per person before it goes, so a retried job after a failed
    send, or a redelivered one, emails only those still waiting.
    """
    from .worklists import chasing_for_organisation

    reminder = (
        OrganisationReminder.objects.select_related("organisation")
        .filter(pk=reminder_id, emailed_at__isnull=True)
        .first()
    )
    if reminder is None:
        return 0
    statuses = chasing_for_organisation(reminder.organisation, today=reminder.sent_on)
    sent, failures = 0, []
    if statuses:
        sent, failures = _claim_and_send(
            people=organisation_contributors(reminder.organisation_id, email=EmailKind.REMINDER),
            claim=lambda person: OrganisationReminderNotification.objects.create(
                reminder=reminder, recipient=person
            ),
            send=lambda person: _email(
                kind=EmailKind.REMINDER,
                template="reminder",
                subject=f"Figures overdue for the {settings.SERVICE_NAME}",
                context={"user": person, "statuses": statuses, "import_url": reverse("indicators:import")},
                to=person,
            ),
            what=f"reminder {reminder.pk}",
        )
    if failures:
        raise failures[0]
    OrganisationReminder.objects.filter(pk=reminder.pk, emailed_at__isnull=True).update(
        emailed_at=timezone.now(),
        emails_sent=OrganisationReminderNotification.objects.filter(
            reminder=reminder, sent_at__isnull=False
        ).count(),
    )
    return sent


def officers_wanting(email: EmailKind):
    """The active officers with an address who have not turned this email off."""
    return (
        User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.OFFICER])
        .exclude(email="")
        .exclude(pk__in=EmailPreference.objects.turned_off(email))
        .distinct()
        .order_by("pk")
    )


def reopen_request_notify(*, request_id: int) -> int:
    """Email the officers that a contributor asks them to reopen a verified figure. Sends once.

    Each email is claimed per officer before it goes, so a retried job after a failed
    send, or a redelivered one, emails only the officers still waiting.
    """
    request = (
        ReopenRequest.objects.select_related("figure__indicator", "requested_by")
        .filter(pk=request_id, officers_emailed_at__isnull=True, closed_at__isnull=True)
        .first()
    )
    if request is None:
        return 0
    sent, failures = _claim_and_send(
        people=officers_wanting(EmailKind.REOPEN_REQUEST),
        claim=lambda officer: ReopenRequestNotification.objects.create(request=request, recipient=officer),
        send=lambda officer: _email(
            kind=EmailKind.REOPEN_REQUEST,
            template="reopen_request",
            subject=f"Asked to reopen a figure: {request.figure.indicator.reference} "
            f"{request.figure.period.label}",
            context={
                "user": officer,
                "request": request,
                "figure": request.figure,
                "account_url": reverse("account"),
            },
            to=officer,
        ),
        what=f"reopen request {request.pk}",
    )
    if failures:
        raise failures[0]
    ReopenRequest.objects.filter(pk=request.pk, officers_emailed_at__isnull=True).update(
        officers_emailed_at=timezone.now()
    )
    return sent
