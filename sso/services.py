"""Accounts made and kept up to date from what the identity provider says at each sign-in."""

import hashlib
import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from audit.context import Actor, acting_as
from audit.models import AuditEntry
from audit.recorder import record
from portal.roles import GROUP_NAMES, Role

from .models import GroupMapping, IdentityLink, IdentityProviderCheck
from .refusals import Refusal, SignInRefused

SIGN_IN_ACTOR_NAME = "single sign-on"
USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


@dataclass(frozen=True)
class Identity:
    """Who the provider says signed in."""

    issuer: str
    subject: str
    email: str
    first_name: str
    last_name: str
    preferred_username: str
    groups: tuple[str, ...]
    methods: tuple[str, ...]


@dataclass(frozen=True)
class MappedAccess:
    roles: frozenset[Role]
    organisation_id: int | None


def mapped_access(*, groups: tuple[str, ...]) -> MappedAccess:
    """The roles and organisation the administrator's group mappings give these groups."""
    mappings = list(GroupMapping.objects.filter(group_id__in=groups))
    if not mappings:
        raise SignInRefused(Refusal.NO_MAPPED_GROUP)
    organisations = {m.organisation_id for m in mappings if m.organisation_id is not None}
    if len(organisations) > 1:
        raise SignInRefused(Refusal.CONFLICTING_GROUPS)
    return MappedAccess(
        roles=frozenset(Role(m.role) for m in mappings),
        organisation_id=next(iter(organisations), None),
    )


def _free_username(identity: Identity) -> str:
    User = get_user_model()
    base = USERNAME_UNSAFE.sub("", identity.preferred_username or identity.email)[:120]
    if base and not User.objects.filter(username__iexact=base).exists():
        return base
    digest = hashlib.sha256(f"{identity.issuer} {identity.subject}".encode()).hexdigest()[:12]
    return f"{base or 'sso'}-{digest}"


def _set_roles(user, roles: frozenset[Role]) -> None:
    """The person's role groups become exactly the mapped roles; other groups are left alone."""
    role_groups = {group.name: group for group in Group.objects.filter(name__in=GROUP_NAMES.values())}
    wanted = {role_groups[GROUP_NAMES[role]] for role in roles}
    held = set(user.groups.filter(name__in=GROUP_NAMES.values()))
    if held - wanted:
        user.groups.remove(*(held - wanted))
    if wanted - held:
        user.groups.add(*(wanted - held))


def account_sign_in(*, identity: Identity, client_ip: str = ""):
    """Find or create the account for this identity and bring it up to date from the claims.

    Refuses (``SignInRefused``) a person none of whose groups is mapped, and a switched-off account.
    """
    access = mapped_access(groups=identity.groups)
    User = get_user_model()
    with transaction.atomic(), acting_as(Actor(user_id=None, name=SIGN_IN_ACTOR_NAME, client_ip=client_ip)):
        link = (
            IdentityLink.objects.select_for_update()
            .select_related("user")
            .filter(issuer=identity.issuer, subject=identity.subject)
            .first()
        )
        if link is None:
            user = User(username=_free_username(identity))
            user.set_unusable_password()
        else:
            user = link.user
        if not user.is_active:
            raise SignInRefused(Refusal.ACCOUNT_OFF)
        user.email = identity.email[:254]
        user.first_name = identity.first_name[:150]
        user.last_name = identity.last_name[:150]
        user.organisation_id = access.organisation_id
        user.save()
        if link is None:
            IdentityLink.objects.create(user=user, issuer=identity.issuer, subject=identity.subject)
        _set_roles(user, access.roles)
    return user


def provider_check_for(user) -> IdentityProviderCheck:
    device, _ = IdentityProviderCheck.objects.get_or_create(
        user=user, defaults={"name": "Council identity provider", "confirmed": True}
    )
    return device


def refusal_record(*, reason: Refusal, who: str = "", detail: str = "", actor: Actor | None = None) -> None:
    text = f"Single sign-on refused: {reason.label}"
    if who:
        text += f" ({who})"
    if detail:
        text += f": {detail}"
    record(event=AuditEntry.Event.REFUSED, object_type="sso.sign_in", detail=text, actor=actor)
