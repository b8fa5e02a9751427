"""Counting towards a limit, in one step even when many requests count at once."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import LimitCount


def count_current(*, key: str) -> int:
    """The count for the key in its open window (0 once the window has passed)."""
    row = LimitCount.objects.filter(key=key, expires_at__gt=timezone.now()).first()
    return row.count if row else 0


def count_add(*, key: str, window_seconds: int) -> int:
    """Count one more for the key and return the new count. A window opens with the first
    count and lasts ``window_seconds``; the row is locked while it is counted, so two
    requests at the same moment make two counts."""
    now = timezone.now()
    expires_at = now + datetime.timedelta(seconds=window_seconds)
    for _ in range(2):
        try:
            with transaction.atomic():
                row = LimitCount.objects.select_for_update().filter(key=key).first()
                if row is None:
                    LimitCount.objects.create(key=key, count=1, expires_at=expires_at)
                    LimitCount.objects.filter(expires_at__lt=now - datetime.timedelta(days=1)).delete()
                    return 1
                if row.expires_at <= now:
                    row.count, row.expires_at = 0, expires_at
                row.count += 1
                row.save(update_fields=["count", "expires_at"])
                return row.count
        except IntegrityError:
            continue  # created by a request at the same moment: count on that row
    raise RuntimeError(f"Could not count towards the limit {key}")


def count_clear(*, key: str) -> None:
    LimitCount.objects.filter(key=key).delete()
