"""The single sign-on settings, read when used so that the portal runs the same without them."""

from django.conf import settings


def sso_enabled() -> bool:
    return bool(settings.SSO_DISCOVERY_URL and settings.SSO_CLIENT_ID)


def local_sign_in_limited() -> bool:
    """True when only accounts marked as local (partner agencies) may sign in with a password."""
    return sso_enabled() and settings.SSO_LOCAL_SIGN_IN == "local_accounts"


def mfa_methods() -> frozenset[str]:
    return frozenset(settings.SSO_MFA_METHODS)
