"""Writes the audit log from Django's signals, so every save and delete is recorded.

Bulk operations (``QuerySet.update``, ``bulk_create``) send no signals; code that
uses them for audited models records what it did with ``record``.
"""

import datetime
import decimal

from django.contrib.auth import signals as auth_signals
from django.db.models import signals as model_signals
from django.db.models.fields.files import FieldFile

from .context import Actor, acting_as, actor_for, current_actor, is_paused
from .models import AuditEntry

AUDITED_APP_LABELS = {
    "portal",
    "objectives",
    "indicators",
    "board",
    "communications",
    "comparisons",
    "auth",
    "otp_totp",
    "otp_static",
    "api",
    "sso",
}
# Recorded as "changed" without the values.
SECRET_FIELD_WORDS = ("password", "secret", "token", "key")
# Bookkeeping that changes on its own and says nothing about what anyone did.
IGNORED_FIELDS = {
    "last_login",
    "updated_at",
    "modified_at",
    "last_t",
    "last_used_at",
    "throttling_failure_count",
    "throttling_failure_timestamp",
    "drift",
    "edit_version",
}
LONGEST_VALUE = 500


def is_audited(model) -> bool:
    """Every model of the portal's apps, except bulk copies of published data (``audit_skip``),
    which are recorded by the import that brings them in."""
    return (
        model._meta.app_label in AUDITED_APP_LABELS
        and model is not AuditEntry
        and not getattr(model, "audit_skip", False)
    )


def hidden_fields(model) -> tuple[str, ...]:
    """A model's fields whose values the log must not keep (``audit_hidden_fields``), such as
    personal details that are erased after a retention period."""
    return getattr(model, "audit_hidden_fields", ())


def is_secret(field_name: str) -> bool:
    return any(word in field_name for word in SECRET_FIELD_WORDS) and field_name != "key_document"


def readable(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return str(value)
    text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def field_values(instance, update_fields=None) -> dict:
    """The audited fields' values; with ``update_fields``, only those a save writes, so a save of
    a few fields neither reads nor compares the others (a report's snapshot, say)."""
    return {
        field.attname: getattr(instance, field.attname)
        for field in instance._meta.concrete_fields
        if field.attname not in IGNORED_FIELDS
        and not getattr(field, "auto_now", False)
        and (update_fields is None or field.name in update_fields or field.attname in update_fields)
    }


def differences(before: dict, after: dict, hidden=()) -> dict:
    changes = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        if is_secret(name) or name in hidden:
            changes[name] = ["(hidden)", "(changed)"]
        else:
            changes[name] = [readable(old), readable(new)]
    return changes


def record(
    *,
    event: str,
    obj=None,
    object_type: str = "",
    changes: dict | None = None,
    detail: str = "",
    actor: Actor | None = None,
) -> AuditEntry | None:
    if is_paused():
        return None
    actor = actor or current_actor()
    return AuditEntry.objects.create(
        event=event,
        actor_id=actor.user_id,
        actor_name=actor.name[:150],
        client_ip=actor.client_ip or None,
        object_type=obj._meta.label if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=readable(str(obj))[:300] if obj is not None else "",
        changes=changes or {},
        detail=detail[:300],
    )


def remember_previous_values(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not is_audited(sender) or instance.pk is None:
        return
    fields = list(field_values(instance, update_fields))
    instance._audit_before = sender._base_manager.filter(pk=instance.pk).values(*fields).first()


def record_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not is_audited(sender):
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    after = field_values(instance, None if created else update_fields)
    hidden = hidden_fields(sender)
    if created or before is None:
        filled = {name: value for name, value in after.items() if value not in (None, "")}
        record(event=AuditEntry.Event.CREATED, obj=instance, changes=differences({}, filled, hidden))
        return
    changes = differences(before, after, hidden)
    if changes:
        record(event=AuditEntry.Event.CHANGED, obj=instance, changes=changes)


def record_delete(sender, instance, **kwargs):
    if not is_audited(sender):
        return
    before = {name: value for name, value in field_values(instance).items() if value not in (None, "")}
    record(
        event=AuditEntry.Event.DELETED,
        obj=instance,
        changes={
            name: [pair[1], None] for name, pair in differences({}, before, hidden_fields(sender)).items()
        },
    )


def record_relation_change(sender, instance, action, model, pk_set, reverse, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"} or not is_audited(type(instance)):
        return
    field = next(
        (f.name for f in type(instance)._meta.many_to_many if f.remote_field.through is sender),
        sender.__name__,
    )
    if action == "post_clear":
        changes = {field: ["(all)", None]}
    else:
        names = sorted(str(obj) for obj in model._base_manager.filter(pk__in=pk_set or []))
        changes = {field: [None, names] if action == "post_add" else [names, None]}
    record(event=AuditEntry.Event.CHANGED, obj=instance, changes=changes)


def client_ip(request) -> str:
    from core.addresses import client_address

    return client_address(request) if request is not None else ""


def record_sign_in(sender, request, user, **kwargs):
    record(event=AuditEntry.Event.SIGNED_IN, obj=user, actor=actor_for(user, client_ip(request)))


def record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        record(event=AuditEntry.Event.SIGNED_OUT, obj=user, actor=actor_for(user, client_ip(request)))


def record_failed_sign_in(sender, credentials, request=None, **kwargs):
    # Django has already masked the password in ``credentials``; only the username is kept.
    username = str(credentials.get("username", ""))[:150]
    record(
        event=AuditEntry.Event.SIGN_IN_FAILED,
        detail=f"Username tried: {username}",
        actor=Actor(user_id=None, name="anonymous", client_ip=client_ip(request)),
    )


def task_started(task=None, **kwargs):
    task.request.audit_actor_scope = acting_as(Actor(user_id=None, name=f"system ({task.name})"))
    task.request.audit_actor_scope.__enter__()


def task_finished(task=None, **kwargs):
    scope = getattr(task.request, "audit_actor_scope", None)
    if scope is not None:
        scope.__exit__(None, None, None)


def connect() -> None:
    from celery import signals as celery_signals
    from django.apps import apps

    # Connected model by model, so deleting rows of models that are not audited keeps
    # Django's fast path (one DELETE, no signals).
    for model in apps.get_models():
        if is_audited(model):
            label = model._meta.label_lower
            model_signals.pre_save.connect(
                remember_previous_values, sender=model, dispatch_uid=f"audit_pre_{label}"
            )
            model_signals.post_save.connect(record_save, sender=model, dispatch_uid=f"audit_save_{label}")
            model_signals.post_delete.connect(
                record_delete, sender=model, dispatch_uid=f"audit_delete_{label}"
            )
    model_signals.m2m_changed.connect(record_relation_change, dispatch_uid="audit_m2m")
    auth_signals.user_logged_in.connect(record_sign_in, dispatch_uid="audit_signed_in")
    auth_signals.user_logged_out.connect(record_sign_out, dispatch_uid="audit_signed_out")
    auth_signals.user_login_failed.connect(record_failed_sign_in, dispatch_uid="audit_sign_in_failed")
    celery_signals.task_prerun.connect(task_started, dispatch_uid="audit_task_started", weak=False)
    celery_signals.task_postrun.connect(task_finished, dispatch_uid="audit_task_finished", weak=False)
