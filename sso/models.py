"""Single sign-on records: who a provider's subject is here, and what its groups let them do."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django_otp.models import Device

from portal.roles import Role


class IdentityLink(models.Model):
    """A portal account's identity at the council's identity provider.

    Keyed by the provider's issuer and its stable subject id, never by email address:
    an address can be reused or changed, a subject cannot.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_links"
    )
    issuer = models.URLField(max_length=500)
    subject = models.CharField(
        max_length=255, help_text="The provider's stable id for the person (the sub claim)."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="sso_identity_link_unique_subject")
        ]

    def __str__(self):
        return f"{self.user} at {self.issuer}"


class GroupMapping(models.Model):
    """The role, and for contributors the organisation, that one of the provider's groups gives."""

    group_id = models.CharField(
        "group id",
        max_length=255,
        unique=True,
        help_text="The group's id as the provider sends it in the groups claim (in Entra ID, its object id).",
    )
    name = models.CharField(
        max_length=200, help_text="A name to recognise the group by, for example its name in Entra ID."
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        "objectives.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_mappings",
        help_text="Required for contributors: the organisation whose indicators they enter data for.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    def clean(self):
        if self.role == Role.CONTRIBUTOR and self.organisation_id is None:
            raise ValidationError(
                {"organisation": "Choose the organisation this group's contributors work for"}
            )


class IdentityProviderCheck(Device):
    """The identity provider's own multi-factor check, standing in a session for the portal's code.

    Signing in through the provider with a multi-factor method verifies the session with this
    device; it never accepts a typed code.
    """

    class Meta:
        verbose_name = "identity provider multi-factor check"

    def verify_token(self, token):
        return False
