"""Reminding contributors of the figures they owe."""

import datetime
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from portal.models import EmailKind, EmailPreference, User
from portal.roles import GROUP_NAMES, Role
from portal.services import email_send

from .models import Figure, PerformanceIndicator, Reminder
from .selectors import indicator_statuses

logger = logging.getLogger(__name__)

OWED_STATUSES = (None, Figure.Status.DRAFT, Figure.Status.RETURNED)


def owed_by(user, *, today: datetime.date) -> list:
    """Overdue figures of the contributor's organisation that are still with them (not yet submitted)."""
    indicators = PerformanceIndicator.objects.filter(
        owner_id=user.organisation_id, objective__strategy__is_current=True
    ).select_related("objective", "owner")
    owed = []
    for status in indicator_statuses(indicators, user=user, today=today):
        row = status.reporting_row
        if status.is_overdue and (row.figure.status if row.figure else None) in OWED_STATUSES:
            owed.append(status)
    return owed


def overdue_reminders_send(*, today: datetime.date | None = None, base_url: str = "") -> int:
    """Email each contributor once per overdue period of the figures they owe. Returns emails sent.

    The reminder rows and the email go together: a reminder is recorded in the
    same transaction the email is sent in, so a retried job sends nothing twice,
    and a failed send leaves no record and is tried again next time.
    """
    today = today or timezone.localdate()
    contributors = User.objects.filter(
        is_active=True, organisation__isnull=False, groups__name=GROUP_NAMES[Role.CONTRIBUTOR]
    ).exclude(email="")
    contributors = contributors.exclude(pk__in=EmailPreference.objects.turned_off(EmailKind.REMINDER))
    sent = 0
    for user in contributors.select_related("organisation").distinct():
        owed = owed_by(user, today=today)
        if not owed:
            continue
        with transaction.atomic():
            new = []
            for status in owed:
                period = status.reporting_row.period
                try:
                    with transaction.atomic():
                        Reminder.objects.create(
                            recipient=user,
                            indicator=status.indicator,
                            frequency=period.frequency,
                            period_start=period.start,
                        )
                except IntegrityError:
                    continue  # already reminded about this period
                new.append(status)
            if new:
                _send(user, new, base_url=base_url)
                sent += 1
    logger.info("Sent %s overdue figure reminders", sent)
    return sent


def _send(user, statuses, *, base_url: str) -> None:
    context = {
        "user": user,
        "statuses": statuses,
        "base_url": base_url or settings.PORTAL_BASE_URL,
        "import_url": reverse("indicators:import"),
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "contact_email": settings.CONTACT_EMAIL,
    }
    subject = render_to_string("indicators/email/reminder_subject.txt", context).strip()
    text = render_to_string("indicators/email/reminder.txt", context)
    html = render_to_string("indicators/email/reminder.html", context)
    email_send(kind=EmailKind.REMINDER, recipient=user, subject=subject, text=text, html=html)
