"""Who is acting right now: the signed-in person in a request, or a named system job."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str
    client_ip: str = ""


SYSTEM = Actor(user_id=None, name="system")

_current: ContextVar[Actor] = ContextVar("audit_actor", default=SYSTEM)


def current_actor() -> Actor:
    return _current.get()


@contextmanager
def acting_as(actor: Actor):
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


def act_as_for_the_rest_of_the_request(actor: Actor) -> None:
    """Name the actor once a request has said who it is (an API token, after it is checked).

    The audit middleware's ``acting_as`` scope puts the previous actor back when the request ends.
    """
    _current.set(actor)


def actor_for(user, client_ip: str = "") -> Actor:
    if user is not None and user.is_authenticated:
        return Actor(user_id=user.pk, name=user.get_username(), client_ip=client_ip)
    return Actor(user_id=None, name="anonymous", client_ip=client_ip)


_paused: ContextVar[bool] = ContextVar("audit_paused", default=False)


def is_paused() -> bool:
    return _paused.get()


@contextmanager
def paused():
    """Record nothing: for restoring a backup, whose rows already carry their own audit log."""
    token = _paused.set(True)
    try:
        yield
    finally:
        _paused.reset(token)
