"""Edits that cannot silently overwrite each other.

A shared record carries an ``edit_version``: the number the person's form was opened
at travels with the form, and a save first locks the stored row and checks it is
still at that number. If someone else saved in between, the save raises
EditConflict with their version, and the page shows both, keeping what was typed.
"""

from django.db import models, transaction

VERSION_FIELD = "edit_version"


def edit_version_field() -> models.PositiveIntegerField:
    """The field a model adds to take part: ``edit_version = edit_version_field()``."""
    return models.PositiveIntegerField(default=1, editable=False)


class EditConflict(Exception):
    """Someone else saved the record after this person opened it; ``current`` is what they saved."""

    def __init__(self, current):
        super().__init__("The record changed since it was opened")
        self.current = current


def read_version(value) -> int | None:
    """The version a form was opened at, from its hidden field; None when missing or not a number."""
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def version_claim(instance, *, expected_version: int | None):
    """Lock the stored row of ``instance`` and move it to the next version, or raise EditConflict.

    Call inside a transaction, before writing. Returns the stored row as it was, locked
    until the transaction ends, and sets ``instance.edit_version`` to the new number; the
    caller's save writes it. An ``expected_version`` of None means the request did not
    say which version it started from (every page of the portal does): the save goes ahead.
    """
    model = type(instance)
    current = model.objects.select_for_update(of=("self",)).get(pk=instance.pk)
    if expected_version is not None and expected_version != current.edit_version:
        raise EditConflict(current)
    instance.edit_version = current.edit_version + 1
    return current


@transaction.atomic
def versioned_save(instance, *, expected_version: int | None, update_fields: list[str] | None = None):
    """Save a new record at version 1, or an edited one if nobody saved it since it was opened."""
    if instance.pk is None:
        instance.edit_version = 1
        instance.save()
        return instance
    version_claim(instance, expected_version=expected_version)
    if update_fields is not None:
        update_fields = [*update_fields, VERSION_FIELD]
    instance.save(update_fields=update_fields)
    return instance
