"""Emails to contributors about their figures: a figure sent back, a reminder from the officer."""

import datetime
import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from outbox.services import job_schedule
from portal.models import User
from portal.roles import GROUP_NAMES, Role

from .models import EmailSetting, FigureChange, FigureEmail, OrganisationReminder, SendBackNotification

logger = logging.getLogger(__name__)


def turned_off(email: str):
    return EmailSetting.objects.filter(email=email, wanted=False).values("person_id")


def organisation_contributors(organisation_id: int, *, email: str):
    """The organisation's active contributors with an address who have not turned this email off."""
    return (
        User.objects.filter(
            is_active=True, organisation_id=organisation_id, groups__name=GROUP_NAMES[Role.CONTRIBUTOR]
        )
        .exclude(email="")
        .exclude(pk__in=turned_off(email))
        .select_related("organisation")
        .distinct()
        .order_by("pk")
    )


def _email(*, template: str, subject: str, context: dict, to: str) -> None:
    context = {
        **context,
        "base_url": settings.PORTAL_BASE_URL,
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "contact_email": settings.CONTACT_EMAIL,
    }
    text = render_to_string(f"indicators/email/{template}.txt", context)
    html = render_to_string(f"indicators/email/{template}.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


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
    for person in organisation_contributors(figure.indicator.owner_id, email=FigureEmail.SENT_BACK):
        try:
            with transaction.atomic():
                claim = SendBackNotification.objects.create(change=change, recipient=person)
        except IntegrityError:
            continue  # emailed by an earlier or a concurrent run
        try:
            _email(
                template="sent_back",
                subject=f"A figure was sent back: {figure.indicator.reference} {figure.period.label}",
                context={"user": person, "figure": figure, "change": change},
                to=person.email,
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


def organisation_reminder_send(*, reminder_id: int) -> int:
    """Email the organisation's contributors the figures they owe. Sends once, however often run."""
    from .worklists import chasing_for_organisation

    with transaction.atomic():
        reminder = (
            OrganisationReminder.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=reminder_id, emailed_at__isnull=True)
            .first()
        )
        if reminder is None:
            return 0
        statuses = chasing_for_organisation(reminder.organisation, today=reminder.sent_on)
        sent = 0
        if statuses:
            for person in organisation_contributors(reminder.organisation_id, email=FigureEmail.REMINDER):
                _email(
                    template="reminder",
                    subject=f"Figures overdue for the {settings.SERVICE_NAME}",
                    context={
                        "user": person,
                        "statuses": statuses,
                        "import_url": reverse("indicators:import"),
                    },
                    to=person.email,
                )
                sent += 1
        reminder.emailed_at = timezone.now()
        reminder.emails_sent = sent
        reminder.save(update_fields=["emailed_at", "emails_sent"])
    return sent


def email_setting_set(*, person, email: str, wanted: bool) -> EmailSetting:
    """Turn one kind of figures email on or off for a person."""
    setting, _ = EmailSetting.objects.get_or_create(person=person, email=email)
    setting.wanted = wanted
    setting.changed_at = timezone.now()
    setting.full_clean()
    setting.save()
    return setting


def email_settings_for(person) -> list[tuple[str, str, bool]]:
    """Each kind of figures email with its label and whether the person gets it."""
    off = set(EmailSetting.objects.filter(person=person, wanted=False).values_list("email", flat=True))
    return [(value, label, value not in off) for value, label in FigureEmail.choices]
