"""Parts of pages rendered once per data version and kept in the cache.

A part is kept under its name, what it varies by (the audience, the day, the filters) and the
data version, so any committed write retires every kept part at once. A part is neither served
nor kept while the version is unknown or the request's own connection holds uncommitted writes;
then, and whenever the cache fails, it is rendered as if nothing were kept.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.context_processors import PermWrapper
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from .versions import version_current

logger = logging.getLogger(__name__)

KEPT_SECONDS = 6 * 60 * 60


def fragment_key(name: str, vary: Iterable, version: str) -> str:
    varies = "|".join(str(part) for part in vary)
    digest = hashlib.sha256(varies.encode()).hexdigest()[:32]
    return f"fragment:{name}:{version}:{digest}"


def fragment_render(*, name: str, vary: Iterable, render: Callable[[], str]) -> str:
    """The part as kept for this data version, or rendered now (and kept) when it is not."""
    version = version_current()
    if version is None:
        return render()
    key = fragment_key(name, vary, version)
    try:
        kept = cache.get(key)
    except Exception:  # noqa: BLE001  a cache outage costs speed, never the page
        logger.warning("The cache could not be read", exc_info=True)
        return render()
    if kept is not None:
        return kept
    rendered = str(render())
    try:
        cache.set(key, rendered, KEPT_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("The cache could not be written", exc_info=True)
    return rendered


class CsrfPlaceholder:
    """Kept parts hold this in place of a form's CSRF token; each request puts its own back.
    It is derived from the secret key, so no text a person types can stand in for it."""

    @cached_property
    def text(self) -> str:
        digest = hashlib.sha256(f"kept-part-csrf:{settings.SECRET_KEY}".encode()).hexdigest()[:24]
        return f"csrf-{digest}"


CSRF_PLACEHOLDER = CsrfPlaceholder()


def page_part_render(request, *, template: str, context: Callable[[], dict]) -> SafeString:
    """A page's content for this person, at this address, today, kept until the data changes.

    The part is rendered from `context()` alone, without the request's context processors,
    so only what it varies by can reach it; `context` is not called when a kept part is served.
    """

    def render() -> str:
        values = {
            "request": request,
            "user": request.user,
            "perms": PermWrapper(request.user),
            "csrf_token": CSRF_PLACEHOLDER.text,
        }
        values.update(context())
        return render_to_string(template, values)

    vary = (request.user.pk, timezone.localdate(), request.get_full_path())
    html = fragment_render(name=template, vary=vary, render=render)
    if CSRF_PLACEHOLDER.text in html:
        html = html.replace(CSRF_PLACEHOLDER.text, get_token(request))
    # The template engine escaped the part when it rendered it; kept, it is the same text.
    return mark_safe(html)  # noqa: S308
