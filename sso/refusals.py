"""Why a sign-in through the identity provider was refused, in words for the person and the log."""

from django.db import models


class Refusal(models.TextChoices):
    BAD_SIGNATURE = "bad_signature", "The sign-in token was not signed by the identity provider's keys"
    WRONG_ISSUER = "wrong_issuer", "The sign-in token came from another identity provider"
    WRONG_AUDIENCE = "wrong_audience", "The sign-in token was issued for another service"
    EXPIRED = "expired", "The sign-in token had expired"
    REPLAYED_NONCE = (
        "replayed_nonce",
        "The sign-in token was not issued for this sign-in (nonce does not match)",
    )
    REPLAYED_STATE = (
        "replayed_state",
        "The sign-in answer was not for a sign-in started here, or was used already",
    )
    NO_MAPPED_GROUP = "no_mapped_group", "None of the person's groups gives a role in the portal"
    CONFLICTING_GROUPS = "conflicting_groups", "The person's groups give more than one organisation"
    ACCOUNT_OFF = "account_off", "The portal account is switched off"
    MISSING_CLAIMS = "missing_claims", "The identity provider did not say who the person is"
    PROVIDER_ERROR = "provider_error", "The identity provider did not complete the sign-in"
    PROVIDER_UNAVAILABLE = "provider_unavailable", "The identity provider could not be reached"


# What the person reads, and what to do next.
MESSAGES = {
    Refusal.NO_MAPPED_GROUP: (
        "Your account with the council is not in any group that has access to the portal. "
        "Ask the corporate parenting officer to give you access."
    ),
    Refusal.CONFLICTING_GROUPS: (
        "Your account with the council is in groups for more than one organisation, so the portal "
        "cannot tell which organisation you work for. Ask the corporate parenting officer to fix your groups."
    ),
    Refusal.ACCOUNT_OFF: (
        "Your portal account has been switched off. Ask the corporate parenting officer to restore it."
    ),
    Refusal.PROVIDER_UNAVAILABLE: (
        "The council's sign-in service could not be reached. Try again in a few minutes."
    ),
    Refusal.PROVIDER_ERROR: (
        "The council's sign-in service did not complete your sign-in. Try signing in again."
    ),
}
SECURITY_MESSAGE = (
    "Your sign-in could not be checked, so you have not been signed in. "
    "Start again from the sign-in page. If this keeps happening, tell the council's IT service desk."
)


def message_for(reason: str) -> str:
    return MESSAGES.get(reason, SECURITY_MESSAGE)


class SignInRefused(Exception):
    """Raised while checking a sign-in through the provider; the callback shows and records it."""

    def __init__(self, reason: Refusal, detail: str = ""):
        super().__init__(reason.label)
        self.reason = reason
        self.detail = detail
