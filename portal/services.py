"""Writes and side effects that belong to the portal as a whole."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .models import EmailKind, EmailPreference, SentEmail, User


def email_send(*, kind: EmailKind, recipient: User, subject: str, text: str, html: str = "") -> SentEmail:
    """Send one email to a person and record that it went (kind, recipient, subject, time).

    Every email the portal sends goes through here, so each one is in the sent-email
    record and the audit log. The body is never kept: it holds personal details.
    """
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    return SentEmail.objects.create(kind=kind, recipient=recipient, subject=subject[:200])


def emails_for(person: User) -> list[EmailKind]:
    """The kinds of email a person may receive through their roles, which they may turn off."""
    return [kind for kind in EmailKind if kind.roles & person.roles]


@dataclass(frozen=True)
class EmailChoice:
    kind: EmailKind
    wanted: bool

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def description(self) -> str:
        return self.kind.description


def email_choices_for(person: User) -> list[EmailChoice]:
    """Each email the person may receive, and whether they get it: for their account page."""
    off = set(person.email_preferences.filter(wanted=False).values_list("kind", flat=True))
    return [EmailChoice(kind, kind not in off) for kind in emails_for(person)]


def email_preference_set(*, person: User, kind: EmailKind, wanted: bool) -> EmailPreference:
    """Turn one kind of email on or off for a person; only the kinds their roles receive."""
    if kind not in emails_for(person):
        raise ValueError(f"{person} does not receive emails of kind {kind}")
    preference, _ = EmailPreference.objects.get_or_create(person=person, kind=kind)
    preference.wanted = wanted
    preference.changed_at = timezone.now()
    preference.full_clean()
    preference.save()
    return preference


def password_reset_email_send(*, user_id: int, domain: str, use_https: bool) -> bool:
    """Email a password reset link to an active user. The link is made here, at send time."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    context = {
        "user": user,
        "protocol": "https" if use_https else "http",
        "domain": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
    }
    subject = render_to_string("registration/password_reset_subject.txt", context).strip()
    body = render_to_string("registration/password_reset_email.txt", context)
    email_send(kind=EmailKind.PASSWORD_RESET, recipient=user, subject=subject, text=body)
    return True
