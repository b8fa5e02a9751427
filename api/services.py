"""Issuing, revoking and checking API tokens, and limiting how often each is used."""

import datetime
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.models import User
from portal.roles import Role, group_for

from .models import TOKEN_PREFIX, ApiToken, Scope

logger = logging.getLogger(__name__)

LONGEST_LIFETIME = datetime.timedelta(days=366)


@dataclass(frozen=True)
class IssuedToken:
    """A new token and its secret. The secret is shown once and never kept."""

    token: ApiToken
    secret: str


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_issue(
    *, name: str, scopes: list[str], organisations, expires_on: datetime.date, created_by
) -> IssuedToken:
    """Issue a token; only the SHA-256 of its secret is stored."""
    name = name.strip()
    scopes = [scope for scope in Scope.values if scope in set(scopes)]
    organisations = list(organisations)
    errors = {}
    if not name:
        errors["name"] = "Enter the name of the system that will use the token"
    elif ApiToken.objects.filter(name__iexact=name).exists():
        errors["name"] = "A token with this name already exists: enter a different name"
    if not scopes:
        errors["scopes"] = "Select what the token may do"
    if Scope.WRITE_FIGURES in scopes and not organisations:
        errors["organisations"] = "Select the organisations the token may send figures for"
    if organisations and Scope.WRITE_FIGURES not in scopes:
        errors["organisations"] = "Only a token that sends figures names organisations: clear them"
    today = timezone.localdate()
    if expires_on <= today:
        errors["expires_on"] = "The expiry date must be in the future"
    elif expires_on > today + LONGEST_LIFETIME:
        errors["expires_on"] = "The expiry date must be within a year from today"
    if errors:
        raise ValidationError(errors)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    # The account the token's figures are recorded under. It has no password, so nobody can
    # sign in with it; it enters figures only for the token's organisations (token_account).
    account = User(username=f"api-token-{secrets.token_hex(6)}", first_name=f"API token {name}"[:150])
    account.set_unusable_password()
    account.full_clean()
    account.save()
    account.groups.set([group_for(Role.CONTRIBUTOR)] if Scope.WRITE_FIGURES in scopes else [])
    expires_at = datetime.datetime.combine(
        expires_on + datetime.timedelta(days=1), datetime.time.min, timezone.get_current_timezone()
    )
    token = ApiToken(
        name=name,
        secret_sha256=secret_hash(secret),
        hint=secret[: len(TOKEN_PREFIX) + 6],
        scopes=scopes,
        expires_at=expires_at,
        created_by=created_by,
        account=account,
    )
    token.full_clean()
    token.save()
    token.organisations.set(organisations)
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def token_revoke(*, token_id: int, revoked_by) -> ApiToken:
    """Revoke a token at once; revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = revoked_by
        token.save(update_fields=["revoked_at", "revoked_by"])
        account = User.objects.get(pk=token.account_id)
        account.is_active = False
        account.save(update_fields=["is_active"])
    return token


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret, or None. Marks when it was last used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.filter(secret_sha256=secret_hash(secret)).select_related("account").first()
    if token is None or not token.is_usable():
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_account(token: ApiToken) -> User:
    """The token's account, entering figures for the organisations the token names and no others."""
    account = User.objects.get(pk=token.account_id)
    if token.is_usable() and token.has_scope(Scope.WRITE_FIGURES):
        account.token_organisation_ids = frozenset(token.organisations.values_list("pk", flat=True))
    return account


def rate_limit_exceeded(token: ApiToken) -> int | None:
    """Seconds to wait when the token has used up this minute's requests, else None.

    Counts live in the cache. If the cache cannot be reached, requests are let
    through rather than refused: the limit protects the portal, it is not a lock.
    """
    window = int(timezone.now().timestamp()) // 60
    key = f"api-requests:{token.pk}:{window}"
    try:
        cache.add(key, 0, timeout=120)
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    except Exception:  # the cache server is down: do not turn that into a refusal or a 500
        logger.warning("The API rate limit could not be checked: the cache is unavailable")
        return None
    if count > settings.API_REQUESTS_PER_MINUTE:
        return 60 - int(timezone.now().timestamp()) % 60
    return None
