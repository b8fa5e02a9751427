"""What the portal knows about the identity provider: its discovery document and its keys.

Both come from the provider and are cached; the keys are fetched again, once, when a token
is signed with a key id the cache does not hold, so the provider can rotate its keys.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache

DISCOVERY_CACHE_SECONDS = 60 * 60
KEYS_CACHE_SECONDS = 24 * 60 * 60


class ProviderUnavailable(Exception):
    """The provider could not be reached, or answered with something that is not OpenID Connect."""


@dataclass(frozen=True)
class ProviderConfiguration:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.SSO_TIMEOUT_SECONDS)
        response.raise_for_status()
        answer = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderUnavailable(f"{url}: {error}") from error
    if not isinstance(answer, dict):
        raise ProviderUnavailable(f"{url} did not answer with a JSON object")
    return answer


def _discovery_cache_key() -> str:
    return f"sso:discovery:{settings.SSO_DISCOVERY_URL}"


def provider_configuration() -> ProviderConfiguration:
    document = cache.get(_discovery_cache_key())
    if document is None:
        document = _get_json(settings.SSO_DISCOVERY_URL)
        missing = [
            name
            for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
            if not isinstance(document.get(name), str)
        ]
        if missing:
            raise ProviderUnavailable(f"The discovery document has no {', '.join(missing)}")
        cache.set(_discovery_cache_key(), document, DISCOVERY_CACHE_SECONDS)
    return ProviderConfiguration(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        userinfo_endpoint=document.get("userinfo_endpoint") or "",
        end_session_endpoint=document.get("end_session_endpoint") or "",
    )


def provider_origin() -> str:
    """Where the provider's pages are, for the forms that lead there (sign-out)."""
    parts = urlsplit(settings.SSO_DISCOVERY_URL)
    return f"{parts.scheme}://{parts.netloc}"


def _keys_cache_key(jwks_uri: str) -> str:
    return f"sso:jwks:{jwks_uri}"


def signing_key(kid: str | None) -> dict | None:
    """The provider's published key with this id, fetching the key set again once if it is not known."""
    jwks_uri = provider_configuration().jwks_uri
    keys = cache.get(_keys_cache_key(jwks_uri))
    if keys is not None and (key := _key_with_id(keys, kid)) is not None:
        return key
    keys = _get_json(jwks_uri).get("keys")
    if not isinstance(keys, list):
        raise ProviderUnavailable("The provider's key set has no keys")
    cache.set(_keys_cache_key(jwks_uri), keys, KEYS_CACHE_SECONDS)
    return _key_with_id(keys, kid)


def _key_with_id(keys: list, kid: str | None) -> dict | None:
    signing = [key for key in keys if isinstance(key, dict) and key.get("use", "sig") == "sig"]
    if kid is None:
        return signing[0] if len(signing) == 1 else None
    return next((key for key in signing if key.get("kid") == kid), None)
