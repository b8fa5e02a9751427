"""The officer's writes to profiles of need: save a draft or an edit, and publish."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.versions import version_claim, versioned_save

from .models import NeedProfile


def need_profile_save(*, profile: NeedProfile, expected_version: int | None) -> NeedProfile:
    """Add a profile as a draft, or change one nobody else changed since the form was opened."""
    profile.full_clean()
    return versioned_save(profile, expected_version=expected_version)


@transaction.atomic
def need_profile_publish(
    *, profile: NeedProfile, user, expected_version: int | None, now=None
) -> NeedProfile:
    """Publish a draft profile: from then on the Board reads it, and it counts in its period."""
    stored = version_claim(profile, expected_version=expected_version)
    if stored.status == NeedProfile.Status.PUBLISHED:
        raise ValidationError("This profile of need has been published already")
    profile.status = NeedProfile.Status.PUBLISHED
    profile.published_at = now or timezone.now()
    profile.published_by = user
    profile.full_clean()
    profile.save(update_fields=["status", "published_at", "published_by", "edit_version"])
    return profile
