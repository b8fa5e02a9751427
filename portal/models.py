from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .roles import GROUP_NAMES, Role


class User(AbstractUser):
    """A person who signs in. Contributors belong to one organisation."""

    organisation = models.ForeignKey(
        "objectives.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="Contributors enter data for the indicators this organisation owns.",
    )
    local_account = models.BooleanField(
        "local account",
        default=False,
        help_text=(
            "Signs in with a password and two-factor code even when only the council's single sign-on "
            "is open to everyone else: for partner agencies outside the council's tenant."
        ),
    )

    # The organisations an API token's account sends figures for, set when the token is checked;
    # people's accounts keep their one organisation.
    token_organisation_ids: frozenset[int] = frozenset()

    class Meta:
        ordering = ["username"]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def roles(self) -> frozenset[Role]:
        if not hasattr(self, "_roles"):
            names = {name: role for role, name in GROUP_NAMES.items()}
            self._roles = frozenset(names[g.name] for g in self.groups.all() if g.name in names)
        return self._roles

    def enters_figures_for(self, organisation_id) -> bool:
        """A contributor enters the figures of their own organisation's indicators."""
        if organisation_id is None:
            return False
        return organisation_id == self.organisation_id or organisation_id in self.token_organisation_ids

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def role_names(self) -> list[str]:
        return [role.label for role in Role if role in self.roles]


class EmailKind(models.TextChoices):
    """Every kind of email the portal sends. Each person may turn off those their roles receive,
    except a password reset link, which goes only when they ask for it."""

    SENT_BACK = "sent_back", "When a figure is sent back"
    REMINDER = "reminder", "Reminders of overdue figures"
    NEWSLETTER = "newsletter", "The corporate parenting newsletter"
    REOPEN_REQUEST = "reopen_request", "When a contributor asks you to reopen a verified figure"
    PASSWORD_RESET = "password_reset", "Password reset links you ask for"

    @property
    def roles(self) -> frozenset[Role]:
        """The roles whose holders may receive this email."""
        return EMAIL_ROLES.get(self, frozenset())

    @property
    def description(self) -> str:
        return EMAIL_DESCRIPTIONS[self]


EMAIL_ROLES = {
    EmailKind.SENT_BACK: frozenset({Role.CONTRIBUTOR}),
    EmailKind.REMINDER: frozenset({Role.CONTRIBUTOR}),
    EmailKind.NEWSLETTER: frozenset({Role.ELECTED_MEMBER}),
    EmailKind.REOPEN_REQUEST: frozenset({Role.OFFICER}),
}
EMAIL_DESCRIPTIONS = {
    EmailKind.SENT_BACK: (
        "You get an email, with the reason, when the officer sends back a figure your organisation entered."
    ),
    EmailKind.REMINDER: "You get reminders of the figures your organisation owes once they are overdue.",
    EmailKind.NEWSLETTER: "You get an email when a new corporate parenting newsletter is published.",
    EmailKind.REOPEN_REQUEST: "You get an email when a contributor asks you to reopen a verified figure.",
    EmailKind.PASSWORD_RESET: "You get a password reset link when you ask for one.",
}


class EmailPreferenceQuerySet(models.QuerySet):
    def turned_off(self, kind: str):
        """The ids of the people who turned this kind of email off, for ``exclude(pk__in=...)``."""
        return self.filter(kind=kind, wanted=False).values("person_id")


class EmailPreference(models.Model):
    """A person's choice about one kind of email. Without a row, they get it."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="email_preferences")
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    wanted = models.BooleanField(default=True)
    changed_at = models.DateTimeField(default=timezone.now)

    objects = EmailPreferenceQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="one_email_preference_per_kind")
        ]

    def __str__(self):
        state = "gets" if self.wanted else "does not get"
        return f"{self.person} {state} emails: {self.get_kind_display().lower()}"


class SentEmail(models.Model):
    """One email the portal sent: its kind, to whom, its subject and when.

    Never the body or the address: emails hold personal details, and this record is in
    the audit log, which keeps everything for good.
    """

    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    recipient = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="emails_sent"
    )
    subject = models.CharField(max_length=200)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} emailed to account {self.recipient_id}"
