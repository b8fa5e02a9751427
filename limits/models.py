"""Counts behind the portal's rate limits (failed sign-ins, feedback messages).

They live in the database, which every web worker shares and which the portal
cannot work without anyway, so a limit holds across workers and through a
Redis outage. This app imports no other app of the portal.
"""

from django.db import models


class LimitCount(models.Model):
    """How many times something happened for one key since its window opened."""

    key = models.CharField(max_length=200, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.count}"
