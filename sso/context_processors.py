from django.conf import settings

from . import conf


def single_sign_on(request):
    """What the sign-in page offers: the council's provider, and whether passwords are for everyone."""
    if not conf.sso_enabled():
        return {}
    return {
        "single_sign_on": {
            "provider_name": settings.SSO_PROVIDER_NAME,
            "passwords_for_local_accounts_only": conf.local_sign_in_limited(),
        }
    }
