import datetime

from django.db import models


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionError("Audit entries cannot be deleted.")

    def matching(self, *, event: str = "", actor: str = "", object_type: str = "", since=None, until=None):
        entries = self
        if event:
            entries = entries.filter(event=event)
        if actor:
            entries = entries.filter(actor_name__iexact=actor)
        if object_type:
            entries = entries.filter(object_type=object_type)
        # Dates are UTC days, as the log shows them.
        if since:
            entries = entries.filter(
                at__gte=datetime.datetime.combine(since, datetime.time.min, datetime.UTC)
            )
        if until:
            next_day = until + datetime.timedelta(days=1)
            entries = entries.filter(
                at__lt=datetime.datetime.combine(next_day, datetime.time.min, datetime.UTC)
            )
        return entries


class AuditEntry(models.Model):
    """One thing that happened, kept for ever. Entries are only ever added."""

    class Event(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
        SIGNED_OUT = "signed_out", "Signed out"
        REFUSED = "refused", "Refused"
        CREATED = "created", "Created"
        CHANGED = "changed", "Changed"
        DELETED = "deleted", "Deleted"
        API_USED = "api_used", "Used the API"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    event = models.CharField(max_length=20, choices=Event.choices, db_index=True)
    # The actor's id and name are copied, not linked, so an entry outlives the account.
    actor_id = models.IntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150, db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    object_type = models.CharField(max_length=100, blank=True, db_index=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "audit entries"
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.get_event_display()} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted.")
