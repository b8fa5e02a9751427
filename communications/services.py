"""Writes for the newsletter, its emails, the young people's pages and feedback."""

import datetime
import hashlib
import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.recorder import record as audit_record
from limits.services import count_add, count_current
from outbox.models import OutboxJob
from outbox.services import job_schedule
from portal.models import EmailKind, EmailPreference, User
from portal.roles import GROUP_NAMES, Role
from portal.services import email_preference_set, email_send

from .models import (
    CorporateParentGuidance,
    Feedback,
    FeedbackTag,
    Newsletter,
    NewsletterDelivery,
)
from .selectors import public_figures

logger = logging.getLogger(__name__)
DELIVER_NEWSLETTER = "communications.tasks.deliver_newsletter"


class EarlierIssueUnpublished(Exception):
    """An earlier month's issue is still unpublished and the officer has not said to skip it."""

    def __init__(self, earlier: list[Newsletter]):
        self.earlier = earlier
        super().__init__(", ".join(issue.title for issue in earlier))


def earlier_unpublished_issues(*, newsletter: Newsletter) -> list[Newsletter]:
    """Issues for months before this one that are not yet published (drafts or scheduled)."""
    return list(
        Newsletter.objects.filter(month__lt=newsletter.month)
        .exclude(status=Newsletter.Status.PUBLISHED)
        .order_by("month")
    )


def newsletter_publish(
    *,
    newsletter: Newsletter,
    publish_at: datetime.datetime | None = None,
    skip_earlier: bool = False,
) -> Newsletter:
    """Publish an issue now, or schedule it for later; publishing emails the subscribed members.

    An issue cannot go out while an earlier month's issue is unpublished, unless the officer
    says to skip that month (``skip_earlier``). The headline figures are frozen as they are at
    publication, so the archive keeps what readers were shown.
    """
    now = timezone.now()
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        scheduling = publish_at is not None and publish_at > now
        wanted = Newsletter.Status.SCHEDULED if scheduling else Newsletter.Status.PUBLISHED
        if not newsletter.can_move_to(wanted):
            raise ValidationError("This newsletter has already been published")
        earlier = earlier_unpublished_issues(newsletter=newsletter)
        if earlier and not skip_earlier:
            raise EarlierIssueUnpublished(earlier)
        if scheduling:
            newsletter.status = Newsletter.Status.SCHEDULED
            newsletter.publish_at = publish_at
            newsletter.full_clean()
            newsletter.save()
            return newsletter
        newsletter.status = Newsletter.Status.PUBLISHED
        newsletter.publish_at = newsletter.publish_at or now
        newsletter.published_at = now
        newsletter.published_figures = public_figures(newsletter.headline_indicators.all())
        newsletter.full_clean()
        newsletter.save()
        job_schedule(task=DELIVER_NEWSLETTER, arguments={"newsletter_id": newsletter.pk})
    return newsletter


def newsletter_emails_waiting_for_queue(*, newsletter: Newsletter) -> bool:
    """True while the issue's emails could not be handed to the job queue (it was away)."""
    return (
        OutboxJob.objects.for_task(DELIVER_NEWSLETTER, newsletter_id=newsletter.pk)
        .waiting()
        .filter(enqueued_at__isnull=True)
        .exists()
    )


def newsletter_unschedule(*, newsletter: Newsletter) -> Newsletter:
    """Take a scheduled issue back to draft."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not newsletter.can_move_to(Newsletter.Status.DRAFT):
            raise ValidationError("Only a scheduled newsletter can go back to draft")
        newsletter.status = Newsletter.Status.DRAFT
        newsletter.publish_at = None
        newsletter.save()
    return newsletter


def due_newsletters_publish(*, now: datetime.datetime | None = None) -> list[int]:
    """Publish the scheduled issues whose time has come. Returns their ids."""
    published = []
    for newsletter in Newsletter.objects.due(now).order_by("month"):
        try:
            # Earlier months were checked, or skipped by the officer, when the issue was scheduled.
            newsletter_publish(newsletter=newsletter, skip_earlier=True)
        except ValidationError:
            continue  # published meanwhile by the officer or another run
        published.append(newsletter.pk)
    return published


def newsletter_recipients():
    """Active elected members with an email address who have not turned the email off."""
    return (
        User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role.ELECTED_MEMBER])
        .exclude(email="")
        .exclude(pk__in=EmailPreference.objects.turned_off(EmailKind.NEWSLETTER))
        .distinct()
        .order_by("pk")
    )


def newsletter_deliver(*, newsletter_id: int) -> int:
    """Email a published issue to each subscribed member who has not had it. Returns emails sent.

    Each delivery is claimed (a row unique per issue and member) before the
    email goes and marked sent after, so a retried or repeated job sends no one
    a second copy. A send that fails gives the claim back and the others are
    still sent; the first failure is raised at the end so the job is retried
    for those members only. A job that dies mid-send leaves its claim, so
    nobody is ever emailed twice.
    """
    newsletter = Newsletter.objects.published().filter(pk=newsletter_id).first()
    if newsletter is None:
        return 0
    sent = 0
    failures = []
    for member in newsletter_recipients():
        try:
            with transaction.atomic():
                delivery = NewsletterDelivery.objects.create(newsletter=newsletter, member=member)
        except IntegrityError:
            continue  # claimed by an earlier or a concurrent run
        try:
            _send_newsletter_email(newsletter, member)
        except (SMTPException, OSError) as error:
            delivery.delete()
            logger.warning("Could not email %s to member %s: %s", newsletter, member.pk, type(error).__name__)
            failures.append(error)
            continue
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["sent_at"])
        sent += 1
    logger.info("Emailed %s to %s members", newsletter, sent)
    if failures:
        raise failures[0]
    return sent


def _send_newsletter_email(newsletter: Newsletter, member) -> None:
    context = {
        "member": member,
        "newsletter": newsletter,
        "url": f"{settings.PORTAL_BASE_URL}{newsletter.get_absolute_url()}",
        "account_url": f"{settings.PORTAL_BASE_URL}{reverse('account')}",
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
    }
    subject = f"The corporate parenting newsletter for {newsletter.title}"
    text = render_to_string("communications/email/newsletter.txt", context)
    html = render_to_string("communications/email/newsletter.html", context)
    email_send(kind=EmailKind.NEWSLETTER, recipient=member, subject=subject, text=text, html=html)


def newsletter_subscription_set(*, member, subscribed: bool):
    """Record whether a member wants the newsletter; members receive it until they say no."""
    return email_preference_set(person=member, kind=EmailKind.NEWSLETTER, wanted=subscribed)


# Feedback


def _rate_key(address: str) -> str:
    return "feedback-sent:" + hashlib.sha256(address.encode()).hexdigest()


def feedback_rate_limited(*, address: str) -> bool:
    return count_current(key=_rate_key(address)) >= settings.FEEDBACK_MAX_PER_ADDRESS


def feedback_count_sent(*, address: str) -> bool:
    """Count one message from this address; False when it is over the limit. The count goes up
    in one step in the database, so a burst of messages at once cannot slip past it, and it
    holds across web workers and while Redis is away."""
    sent = count_add(key=_rate_key(address), window_seconds=settings.FEEDBACK_RATE_WINDOW_SECONDS)
    return sent <= settings.FEEDBACK_MAX_PER_ADDRESS


def feedback_receive(
    *,
    sender: str,
    topic: str,
    message: str,
    contact_consent: bool,
    reply_email: str = "",
    reply_phone: str = "",
) -> Feedback:
    """Keep what someone sent. Reply details are dropped unless they agreed to be contacted."""
    if not contact_consent:
        reply_email = reply_phone = ""
    feedback = Feedback(
        sender=sender,
        topic=topic,
        message=message.strip(),
        contact_consent=contact_consent,
        reply_email=reply_email.strip(),
        reply_phone=reply_phone.strip(),
    )
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def feedback_review(
    *,
    feedback: Feedback,
    tags: list[str],
    acted_on: bool,
    note: str = "",
    counts_as_consultation: bool = False,
) -> Feedback:
    """The officer's tags, whether it counts in the consultation indicator, and what was done."""
    feedback.tags.set([FeedbackTag.objects.get_or_create(name=name)[0] for name in tags])
    feedback.acted_on = acted_on
    feedback.acted_on_note = note.strip()
    feedback.counts_as_consultation = counts_as_consultation and feedback.sender in (
        Feedback.Sender.YOUNG_PERSON_IN_CARE,
        Feedback.Sender.CARE_LEAVER,
    )
    feedback.save(update_fields=["acted_on", "acted_on_note", "counts_as_consultation"])
    return feedback


def feedback_contacts_erase(*, now: datetime.datetime | None = None) -> int:
    """Erase reply details older than the retention period. Returns how many were erased."""
    now = now or timezone.now()
    erased = Feedback.objects.contact_expired(now).update(
        reply_email="", reply_phone="", contact_erased_at=now
    )
    logger.info("Erased the contact details of %s feedback messages", erased)
    if erased:
        audit_record(
            event="changed",
            object_type="communications.Feedback",
            detail=f"Reply details erased from {erased} messages after the retention period",
        )
    return erased


class GuidanceConflict(Exception):
    """Someone else saved the guidance after this person opened it."""


@transaction.atomic
def guidance_save(*, text: str, expected_version: int | None, user) -> CorporateParentGuidance:
    """Write the councillors' "what you can do as a corporate parent" text, checked against the
    version the officer started from."""
    guidance = CorporateParentGuidance.objects.select_for_update().first()
    if guidance is None:
        guidance = CorporateParentGuidance(version=0)
    elif expected_version != guidance.version:
        raise GuidanceConflict
    guidance.text = text.strip()
    guidance.version += 1
    guidance.updated_by = user
    guidance.full_clean()
    guidance.save()
    return guidance
