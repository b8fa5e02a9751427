"""Authentication backends: the council's identity provider (OpenID Connect) and local passwords."""

import json
import time

import requests
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.utils.encoding import force_bytes, smart_str
from josepy.jws import JWS, Header
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from core.addresses import client_address

from . import conf, provider
from .refusals import Refusal, SignInRefused
from .services import Identity, account_sign_in, provider_check_for

# Seconds of clock difference between the provider and the portal tolerated in exp and iat.
CLOCK_LEEWAY_SECONDS = 120
# The portal's choices for the OpenID Connect flow, whatever the environment says.
FLOW_SETTINGS = {
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_USE_PKCE": True,
    "OIDC_PKCE_CODE_CHALLENGE_METHOD": "S256",
    "OIDC_USE_NONCE": True,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
    "OIDC_STORE_ID_TOKEN": True,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_CREATE_USER": True,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_REDIRECT_FIELD_NAME": "next",
    "LOGIN_REDIRECT_URL_FAILURE": "sso:refused",
}


def flow_setting(attr, *args):
    """mozilla-django-oidc's settings, answered from the SSO_* settings and the discovery document."""
    if attr in FLOW_SETTINGS:
        return FLOW_SETTINGS[attr]
    environment = {
        "OIDC_RP_CLIENT_ID": "SSO_CLIENT_ID",
        "OIDC_RP_CLIENT_SECRET": "SSO_CLIENT_SECRET",
        "OIDC_RP_SCOPES": "SSO_SCOPES",
        "OIDC_TIMEOUT": "SSO_TIMEOUT_SECONDS",
    }
    if attr in environment:
        return getattr(settings, environment[attr])
    endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
        "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
        "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
        "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    }
    if attr in endpoints:
        return getattr(provider.provider_configuration(), endpoints[attr])
    return import_from_settings(attr, *args)


def _audiences(claims: dict) -> list[str]:
    audience = claims.get("aud")
    if isinstance(audience, str):
        return [audience]
    return [item for item in audience if isinstance(item, str)] if isinstance(audience, list) else []


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Signs people in with the council's identity provider (authorisation code flow with PKCE).

    The ID token's signature is checked against the provider's published keys, and its issuer,
    audience, expiry and nonce against this sign-in. The account is found by the provider's
    issuer and subject id, and its role and organisation come from the group mappings.
    """

    get_settings = staticmethod(flow_setting)

    def __init__(self, *args, **kwargs):
        # The provider's endpoints are read when a sign-in needs them, not when Django loads
        # the backend to restore a session.
        ModelBackend.__init__(self, *args, **kwargs)
        from django.contrib.auth import get_user_model

        self.UserModel = get_user_model()
        self.OIDC_RP_SIGN_ALGO = FLOW_SETTINGS["OIDC_RP_SIGN_ALGO"]
        self.OIDC_RP_IDP_SIGN_KEY = None

    def __getattr__(self, name):
        if name in {
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
            "OIDC_RP_CLIENT_ID",
            "OIDC_RP_CLIENT_SECRET",
        }:
            return flow_setting(name)
        raise AttributeError(name)

    def authenticate(self, request, **kwargs):
        # Only the callback passes a nonce; a password sign-in is not for this backend.
        if request is None or "nonce" not in kwargs or not conf.sso_enabled():
            return None
        try:
            return super().authenticate(request, **kwargs)
        except requests.HTTPError as error:
            raise SignInRefused(Refusal.PROVIDER_ERROR, "the token endpoint refused the code") from error
        except (requests.RequestException, provider.ProviderUnavailable) as error:
            raise SignInRefused(Refusal.PROVIDER_UNAVAILABLE) from error

    def retrieve_matching_jwk(self, token):
        try:
            header = Header.json_loads(JWS.from_compact(token).signature.protected)
        except Exception as error:  # noqa: BLE001  anything unreadable is refused the same way
            raise SignInRefused(Refusal.BAD_SIGNATURE, "the token cannot be read") from error
        if smart_str(header.alg) != self.OIDC_RP_SIGN_ALGO:
            raise SignInRefused(Refusal.BAD_SIGNATURE, f"signed with {smart_str(header.alg)}")
        key = provider.signing_key(smart_str(header.kid) if header.kid else None)
        if key is None:
            raise SignInRefused(Refusal.BAD_SIGNATURE, "signed with a key the provider does not publish")
        return key

    def verify_token(self, token, **kwargs):
        token = force_bytes(token or "")
        key = self.retrieve_matching_jwk(token)
        try:
            claims = json.loads(self.get_payload_data(token, key).decode("utf-8"))
        except SuspiciousOperation as error:
            raise SignInRefused(Refusal.BAD_SIGNATURE) from error
        self.verify_id_token_claims(claims, nonce=kwargs.get("nonce"))
        return claims

    def verify_id_token_claims(self, claims: dict, *, nonce: str | None) -> None:
        now = time.time()
        if claims.get("iss") != provider.provider_configuration().issuer:
            raise SignInRefused(Refusal.WRONG_ISSUER, f"issuer {str(claims.get('iss'))[:100]}")
        audiences = _audiences(claims)
        client_id = settings.SSO_CLIENT_ID
        if client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client_id):
            raise SignInRefused(Refusal.WRONG_AUDIENCE, f"audience {', '.join(audiences)[:100]}")
        expires, issued = claims.get("exp"), claims.get("iat")
        if not isinstance(expires, int | float) or expires + CLOCK_LEEWAY_SECONDS < now:
            raise SignInRefused(Refusal.EXPIRED)
        if isinstance(issued, int | float) and issued - CLOCK_LEEWAY_SECONDS > now:
            raise SignInRefused(Refusal.EXPIRED, "issued in the future")
        if not nonce or claims.get("nonce") != nonce:
            raise SignInRefused(Refusal.REPLAYED_NONCE)
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise SignInRefused(Refusal.MISSING_CLAIMS)

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims, completed (never overridden) by the userinfo endpoint when there is one."""
        claims = dict(payload)
        endpoint = provider.provider_configuration().userinfo_endpoint
        if endpoint and access_token:
            info = super().get_userinfo(access_token, id_token, payload)
            if isinstance(info, dict) and info.get("sub") == claims["sub"]:
                claims |= {name: value for name, value in info.items() if name not in claims}
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        identity = identity_from_claims(claims, issuer=provider.provider_configuration().issuer)
        self.request.sso_identity = identity
        user = account_sign_in(identity=identity, client_ip=client_address(self.request))
        if conf.mfa_methods() & set(identity.methods):
            # django-otp records this device with the sign-in: the provider's check stands
            # for the portal's code.
            user.otp_device = provider_check_for(user)
        return user


def _strings(value) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


def _text(claims: dict, name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def identity_from_claims(claims: dict, *, issuer: str) -> Identity:
    first, last = _text(claims, "given_name"), _text(claims, "family_name")
    if not (first or last) and (name := _text(claims, "name")):
        first, _, last = name.partition(" ")
    return Identity(
        issuer=issuer,
        subject=claims["sub"],
        email=_text(claims, "email"),
        first_name=first,
        last_name=last,
        preferred_username=_text(claims, "preferred_username") or _text(claims, "upn"),
        groups=_strings(claims.get(settings.SSO_GROUPS_CLAIM)),
        methods=_strings(claims.get("amr")),
    )


class PasswordBackend(ModelBackend):
    """Local passwords. With single sign-on on and SSO_LOCAL_SIGN_IN=local_accounts, only
    accounts marked as local accounts (partner agencies outside the council) may use them."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and conf.local_sign_in_limited() and not user.local_account:
            return None
        return user
