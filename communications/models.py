"""Communicating the strategy: the councillors' newsletter, the young people's pages and feedback."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.versions import edit_version_field


class NewsletterQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Newsletter.Status.PUBLISHED)

    def visible_to(self, user):
        """Officers see every issue, drafts included; readers only published ones."""
        if user.has_perm("communications.change_newsletter"):
            return self
        if user.has_perm("communications.view_newsletter"):
            return self.published()
        return self.none()

    def due(self, now=None):
        """Scheduled issues whose publishing time has come."""
        return self.filter(status=Newsletter.Status.SCHEDULED, publish_at__lte=now or timezone.now())

    def latest_first(self):
        return self.order_by("-month")


class Newsletter(models.Model):
    """One month's newsletter for elected members."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"

    edit_version = edit_version_field()
    month = models.DateField(unique=True, help_text="The first day of the month the issue is for.")
    summary = models.CharField(
        max_length=300, help_text="One or two sentences for the email that says the issue is out."
    )
    headline = models.TextField("Headline message")
    stories = models.TextField(
        "Celebrating achievements",
        blank=True,
        help_text="Stories that celebrate children, young people and carers. Never name a child.",
    )
    next_board_meeting = models.TextField("The next Board meeting", blank=True)
    training = models.TextField("Training and induction for corporate parents", blank=True)
    headline_indicators = models.ManyToManyField(
        "indicators.PerformanceIndicator", blank=True, related_name="+", verbose_name="Headline figures"
    )
    # The headline figures as published, frozen so an archived issue keeps what readers saw.
    published_figures = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]

    def __str__(self):
        return f"Newsletter for {self.month:%B %Y}"

    def get_absolute_url(self):
        return reverse(
            "communications:newsletter", kwargs={"year": self.month.year, "month": self.month.month}
        )

    @property
    def title(self) -> str:
        return f"{self.month:%B %Y}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    ALLOWED_TRANSITIONS = {
        (Status.DRAFT, Status.SCHEDULED),
        (Status.DRAFT, Status.PUBLISHED),
        (Status.SCHEDULED, Status.SCHEDULED),  # moved to another day
        (Status.SCHEDULED, Status.PUBLISHED),
        (Status.SCHEDULED, Status.DRAFT),
    }

    def can_move_to(self, status: str) -> bool:
        return (self.status, status) in self.ALLOWED_TRANSITIONS


class NewsletterDelivery(models.Model):
    """One newsletter emailed to one member: claimed before sending, marked sent after.

    The unique pair means a retried or repeated job never emails anyone twice.
    """

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at"]
        verbose_name_plural = "newsletter deliveries"
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "member"], name="one_delivery_per_member")
        ]

    def __str__(self):
        return f"{self.newsletter} to {self.member}"


class YoungPeoplePage(models.Model):
    """The young people's version of the strategy, written by the officer. There is one."""

    edit_version = edit_version_field()
    introduction = models.TextField(
        help_text="Who the page is for and what a corporate parent is, in plain English."
    )
    aims = models.TextField("What we are aiming for")
    pledge = models.TextField("Our pledge to you")
    pledge_is_demo = models.BooleanField(
        "The pledge is demo text",
        default=False,
        help_text="Shows a notice that the pledge is an example the council replaces.",
    )
    done_so_far = models.TextField("What we have done so far")
    help_and_advocacy = models.TextField("Getting help and having your say")
    indicators = models.ManyToManyField(
        "indicators.PerformanceIndicator",
        blank=True,
        related_name="+",
        verbose_name="Figures on how it is going",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return "The young people's pages"


class FeedbackTag(models.Model):
    """A theme the officer files feedback under, so what young people say can be counted by topic."""

    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class FeedbackQuerySet(models.QuerySet):
    def from_young_people(self):
        return self.filter(sender__in=[Feedback.Sender.YOUNG_PERSON_IN_CARE, Feedback.Sender.CARE_LEAVER])

    def counted_as_consultation(self):
        """Young people's feedback the officer has read and counted: the public form is open to
        anyone, so nothing counts in the indicator until someone has looked at it."""
        return self.from_young_people().filter(counts_as_consultation=True)

    def with_contact(self):
        return self.exclude(reply_email="", reply_phone="")

    def contact_expired(self, now=None):
        cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.FEEDBACK_CONTACT_RETENTION_DAYS)
        return self.with_contact().filter(received_at__lt=cutoff)


class Feedback(models.Model):
    """What a child, young person or carer told the council. Anonymous unless they chose otherwise.

    Reply details are kept only with consent, and only for the retention period.
    """

    class Sender(models.TextChoices):
        YOUNG_PERSON_IN_CARE = "young_person_in_care", "A young person in care"
        CARE_LEAVER = "care_leaver", "A care leaver"
        CARER = "carer", "A foster carer or other carer"
        OTHER = "other", "Someone else"

    class Topic(models.TextChoices):
        HOME = "home", "Where I live"
        SCHOOL = "school", "School, college, training or work"
        HEALTH = "health", "Health and feeling well"
        SOCIAL_WORKER = "social_worker", "My social worker or personal adviser"
        HAVING_A_SAY = "having_a_say", "Having a say in decisions about me"
        OTHER = "other", "Something else"

    sender = models.CharField("Who sent it", max_length=30, choices=Sender.choices)
    topic = models.CharField(max_length=30, choices=Topic.choices)
    message = models.TextField()
    contact_consent = models.BooleanField(default=False)
    reply_email = models.EmailField(blank=True)
    reply_phone = models.CharField(max_length=30, blank=True)
    contact_erased_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(FeedbackTag, blank=True, related_name="feedback")
    acted_on = models.BooleanField(default=False)
    acted_on_note = models.TextField(blank=True)
    counts_as_consultation = models.BooleanField(
        "Count it as a young person taking part in consultation",
        default=False,
        help_text="Tick once you have read it and it is a real young person's view.",
    )
    received_at = models.DateTimeField(default=timezone.now)

    # The audit log notes that these changed, never what they said: contact details are erased
    # after the retention period, and a message can hold personal details.
    audit_hidden_fields = ("message", "reply_email", "reply_phone")

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at"]
        verbose_name_plural = "feedback"

    def __str__(self):
        return f"Feedback {self.pk} about {self.get_topic_display().lower()}, {self.received_at:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("communications:feedback_review", kwargs={"pk": self.pk})

    @property
    def has_contact(self) -> bool:
        return bool(self.reply_email or self.reply_phone)


class CorporateParentGuidance(models.Model):
    """What an elected member can do as a corporate parent, written by the officer. There is one."""

    text = models.TextField(
        "What you can do as a corporate parent",
        help_text="Shown on each councillor's home page. Blank lines start new paragraphs; "
        "lines starting '- ' make a list.",
    )
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "corporate parent guidance"

    def __str__(self):
        return "What you can do as a corporate parent"
