"""A profile of need: one group's figures across the indicators, written up by the officer for the Board.

Kept beside ``models.py`` (which imports it). The document itself is put together in
``comparisons.need_profiles``, which adds England's figures for the group.
"""

from django.conf import settings
from django.db import models

from core.versions import edit_version_field


class NeedProfileQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=NeedProfile.Status.PUBLISHED)

    def for_user(self, user):
        """Published profiles for everyone who reads figures; drafts too for the officer."""
        if user.has_perm("indicators.change_needprofile"):
            return self
        return self.published()


class NeedProfile(models.Model):
    """A profile of need for one group (for example UASC), a draft until the officer publishes it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    edit_version = edit_version_field()
    group = models.ForeignKey(
        "indicators.BreakdownGroup", on_delete=models.PROTECT, related_name="need_profiles"
    )
    title = models.CharField(max_length=200)
    summary = models.TextField(
        blank=True, help_text="What the figures say about the group's needs, for the Board."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = NeedProfileQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_at__isnull=False),
                name="published_profile_has_date",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED
