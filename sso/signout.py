"""Signing out of the portal also signs out of the identity provider, when it offers that."""

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from core.middleware import content_security_policy

from . import conf, provider

ID_TOKEN_SESSION_KEY = "oidc_id_token"


def remember_provider_sign_out(sender, request, user, **kwargs):
    """Before the session ends, note where the provider ends its own session for this person."""
    if request is None or not conf.sso_enabled():
        return
    id_token = request.session.get(ID_TOKEN_SESSION_KEY)
    if not id_token:
        return
    try:
        endpoint = provider.provider_configuration().end_session_endpoint
    except provider.ProviderUnavailable:
        return
    if endpoint:
        query = urlencode(
            {
                "id_token_hint": id_token,
                "client_id": settings.SSO_CLIENT_ID,
                "post_logout_redirect_uri": request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL)),
            }
        )
        request.sso_provider_sign_out_url = f"{endpoint}?{query}"


class ProviderSignOutMiddleware:
    """Sends a person who signed in through the provider on to the provider's sign-out, and lets
    the portal's forms lead there (the sign-out button's redirect is a form's destination)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        destination = getattr(request, "sso_provider_sign_out_url", None)
        if destination and response.status_code in (301, 302, 303):
            response = HttpResponseRedirect(destination)
        if conf.sso_enabled() and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = content_security_policy(
                form_action_sources=[provider.provider_origin()]
            )
        return response
