"""Tokens for systems (BI tools, the data warehouse) that use the API, and the batches they sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "cpp_"


class Scope(models.TextChoices):
    READ = "read", "Read the strategy, verified figures, comparisons, meetings and reports"
    READ_EXACT = "read_exact", "Read exact figures, including small numbers otherwise shown as c"
    WRITE_FIGURES = "write_figures", "Send figures for verification, for the organisations named"


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now=None):
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A named token for one system. Only the SHA-256 of its secret is kept."""

    name = models.CharField(max_length=100, unique=True, help_text="The system that uses it.")
    secret_sha256 = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=20, help_text="The start of the secret, to recognise it by.")
    scopes = models.JSONField(default=list)
    organisations = models.ManyToManyField(
        "objectives.Organisation",
        blank=True,
        related_name="api_tokens",
        help_text="The organisations it may send figures for.",
    )
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_token",
        help_text="The account its figures are recorded under; it cannot sign in.",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "API token"

    def __str__(self):
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_usable(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)

    @property
    def scope_labels(self) -> list[str]:
        return [scope.label for scope in Scope if scope in self.scopes]

    @property
    def actor_name(self) -> str:
        return f"API token {self.name}"[:150]


class IdempotentBatch(models.Model):
    """A batch of figures sent with an Idempotency-Key, and the answer it was given."""

    # Bookkeeping for retries: the figures it saved are audited themselves.
    audit_skip = True

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="batches")
    idempotency_key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["token", "idempotency_key"], name="one_batch_per_token_key")
        ]

    def __str__(self):
        return f"{self.token} batch {self.idempotency_key}"
