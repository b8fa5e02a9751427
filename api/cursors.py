"""Cursor pagination: lists are in a stable order (by id), and the cursor is signed and opaque."""

from dataclasses import dataclass

from django.core import signing

SALT = "api.cursor"


class BadCursor(ValueError):
    pass


@dataclass
class Page:
    items: list
    next_cursor: str | None


def cursor_for(last_id: int) -> str:
    return signing.dumps({"after": last_id}, salt=SALT, compress=True)


def after_id(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        after = signing.loads(cursor, salt=SALT)["after"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise BadCursor(
            "The cursor is not one this API gave out: leave it out to start from the first page"
        ) from None
    if not isinstance(after, int):
        raise BadCursor("The cursor is not one this API gave out: leave it out to start from the first page")
    return after


def page(queryset, *, cursor: str | None, limit: int, convert) -> Page:
    """One page of ``queryset`` after the cursor, ordered by id, each row converted by ``convert``."""
    rows = list(queryset.filter(pk__gt=after_id(cursor)).order_by("pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    items = convert(rows)
    return Page(items=items, next_cursor=cursor_for(rows[-1].pk) if more and rows else None)
