import requests
from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from audit.context import actor_for
from core.addresses import client_address

from . import conf, provider
from .backends import flow_setting
from .refusals import Refusal, SignInRefused, message_for
from .services import refusal_record
from .signout import ID_TOKEN_SESSION_KEY


def _refused(request, reason: Refusal, detail: str = "") -> HttpResponseRedirect:
    """Record the refusal, end any session, and tell the person what happened."""
    identity = getattr(request, "sso_identity", None)
    who = ""
    if identity is not None:
        who = identity.email or identity.preferred_username or f"subject {identity.subject}"
    user = getattr(request, "user", None)
    refusal_record(
        reason=reason, who=who[:100], detail=detail, actor=actor_for(user, client_address(request))
    )
    if user is not None and user.is_authenticated:
        # The portal's session ends; the provider's is left alone (the person did nothing wrong there).
        request.session.pop(ID_TOKEN_SESSION_KEY, None)
        auth.logout(request)
    return HttpResponseRedirect(f"{reverse('sso:refused')}?{urlencode({'reason': reason.value})}")


class SingleSignOnOnly:
    def dispatch(self, request, *args, **kwargs):
        if not conf.sso_enabled():
            raise Http404("Single sign-on is not set up")
        return super().dispatch(request, *args, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class StartView(SingleSignOnOnly, OIDCAuthenticationRequestView):
    """Send the person to the identity provider, with a fresh state, nonce and PKCE challenge."""

    get_settings = staticmethod(flow_setting)

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider.provider_configuration().authorization_endpoint
        except provider.ProviderUnavailable:
            return _refused(request, Refusal.PROVIDER_UNAVAILABLE)
        self.OIDC_RP_CLIENT_ID = flow_setting("OIDC_RP_CLIENT_ID")
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class CallbackView(SingleSignOnOnly, OIDCAuthenticationCallbackView):
    """The provider's answer: check it, find or make the account, and sign the person in."""

    get_settings = staticmethod(flow_setting)

    def get(self, request):
        state = request.GET.get("state")
        if state is not None and state not in request.session.get("oidc_states", {}):
            return _refused(request, Refusal.REPLAYED_STATE)
        if request.GET.get("error"):
            if state is not None:  # a state is used once, whatever the answer
                del request.session["oidc_states"][state]
                request.session.modified = True
            return _refused(
                request, Refusal.PROVIDER_ERROR, f"the provider answered {request.GET['error'][:60]}"
            )
        try:
            return super().get(request)
        except SignInRefused as refusal:
            return _refused(request, refusal.reason, refusal.detail)
        except SuspiciousOperation:
            return _refused(request, Refusal.REPLAYED_STATE)
        except requests.RequestException:
            return _refused(request, Refusal.PROVIDER_UNAVAILABLE)

    def login_failure(self):
        return _refused(self.request, Refusal.PROVIDER_ERROR)


@login_not_required
def refused(request):
    reason = request.GET.get("reason", "")
    return render(
        request,
        "sso/refused.html",
        {"message": message_for(reason), "single_sign_on_on": conf.sso_enabled()},
    )
