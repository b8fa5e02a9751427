"""Writes to the strategy: loading a council's strategy from its data file."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core.versions import version_claim

from .models import (
    Action,
    ActionUpdate,
    CorporateParentDuty,
    EveryChildMattersOutcome,
    IndicatorSet,
    KeyDocument,
    Objective,
    Organisation,
    Outcome,
    Strategy,
    StrategySection,
)


class StrategyFileError(ValueError):
    """The strategy file is missing something or has a value the portal cannot use."""


def required(data: dict, key: str, where: str):
    try:
        value = data[key]
    except (KeyError, TypeError):
        raise StrategyFileError(f"{where} has no '{key}'") from None
    if value in (None, ""):
        raise StrategyFileError(f"{where} has an empty '{key}'")
    return value


def choice_value(value: str, choices, where: str) -> str:
    allowed = [choice.value for choice in choices]
    if value not in allowed:
        raise StrategyFileError(f"{where}: '{value}' is not one of {', '.join(allowed)}")
    return value


def date_value(value: str | None, where: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise StrategyFileError(f"{where}: '{value}' is not a date in the form YYYY-MM-DD") from None


def save_validated(instance):
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise StrategyFileError(f"{instance._meta.verbose_name} '{instance}': {error.messages[0]}") from None
    instance.save()
    return instance


def sync_by_position(
    model, parent_filter: dict, position: int, defaults: dict, *, create_only: dict | None = None
):
    """Create or update the item at this position, so loading twice duplicates nothing.

    ``create_only`` values are set on a new item only: they are the portal's to
    keep after that (an action's status, for example, moves on with progress updates).
    """
    instance = model.objects.filter(**parent_filter, position=position).first()
    if instance is None:
        instance = model(**parent_filter, position=position, **(create_only or {}))
    for name, value in defaults.items():
        setattr(instance, name, value)
    return save_validated(instance)


def check_keys(data: dict, allowed: set[str], where: str) -> None:
    """A misspelt key would otherwise be ignored without a word."""
    if not isinstance(data, dict):
        raise StrategyFileError(f"{where} is not a set of named values")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise StrategyFileError(f"{where} has keys the portal does not know: {', '.join(unknown)}")


def delete_unless_in_use(queryset, where: str) -> None:
    """Remove items the file no longer has, but never ones that figures or updates hang on."""
    for instance in queryset:
        if getattr(instance, "figures", None) is not None and instance.figures.exists():
            raise StrategyFileError(
                f"{where}: '{instance}' has figures, so it cannot be removed by loading a file. "
                "Keep it in the file"
            )
        if getattr(instance, "updates", None) is not None and instance.updates.exists():
            raise StrategyFileError(
                f"{where}: '{instance}' has progress updates, so it cannot be removed by loading a file. "
                "Keep it in the file"
            )
        instance.delete()


FILE_KEYS = {
    "strategy",
    "every_child_matters_outcomes",
    "outcomes",
    "key_documents",
    "corporate_parent_duties",
    "organisations",
    "objectives",
    "board",
}
STRATEGY_KEYS = {
    "slug",
    "title",
    "council",
    "period_start",
    "period_end",
    "publication_date",
    "supported_by",
    "overall_aim",
    "outcomes_introduction",
    "values_and_principles",
    "key_documents_summary",
    "sections",
}
OBJECTIVE_KEYS = {"number", "title", "statement", "links_to", "measured_by", "actions", "indicators"}
ACTION_KEYS = {"text", "lead", "status", "due_date"}
ORGANISATION_KEYS = {"key", "name", "kind", "demo"}


@dataclass
class LoadedStrategy:
    strategy: Strategy
    organisations: dict[str, Organisation] = field(default_factory=dict)
    objectives: dict[int, Objective] = field(default_factory=dict)
    actions: dict[tuple[int, int], Action] = field(default_factory=dict)


def organisations_load(*, items: list[dict]) -> dict[str, Organisation]:
    organisations = {}
    for index, item in enumerate(items, start=1):
        where = f"Organisation {index}"
        check_keys(item, ORGANISATION_KEYS, where)
        key = required(item, "key", where)
        organisation = Organisation.objects.filter(key=key).first() or Organisation(key=key)
        organisation.name = required(item, "name", where)
        organisation.kind = choice_value(required(item, "kind", where), Organisation.Kind, where)
        organisations[key] = save_validated(organisation)
    return organisations


def strategy_load(*, data: dict) -> LoadedStrategy:
    """Create or update a strategy and its objectives and actions from a strategy file.

    Items are matched by their position, so loading the same file twice changes
    nothing, and items the file no longer has are removed.
    """
    check_keys(data, FILE_KEYS, "The file")
    strategy_data = required(data, "strategy", "The file")
    check_keys(strategy_data, STRATEGY_KEYS, "The strategy")
    slug = required(strategy_data, "slug", "The strategy")
    strategy = Strategy.objects.filter(slug=slug).first() or Strategy(slug=slug)
    for name in ("title", "council", "period_start", "period_end", "overall_aim"):
        setattr(strategy, name, required(strategy_data, name, "The strategy"))
    strategy.publication_date = strategy_data.get("publication_date", "")
    strategy.supported_by = "\n".join(strategy_data.get("supported_by", []))
    strategy.outcomes_introduction = strategy_data.get("outcomes_introduction", "")
    strategy.values_and_principles = strategy_data.get("values_and_principles", "")
    strategy.key_documents_summary = strategy_data.get("key_documents_summary", "")
    strategy.board_description = data.get("board", {}).get("description", "")
    save_validated(strategy)
    Strategy.objects.exclude(pk=strategy.pk).update(is_current=False)
    loaded = LoadedStrategy(strategy=strategy)
    loaded.organisations = organisations_load(items=data.get("organisations", []))

    sections = strategy_data.get("sections", [])
    for position, item in enumerate(sections, start=1):
        where = f"Section {position}"
        sync_by_position(
            StrategySection,
            {"strategy": strategy},
            position,
            {"heading": required(item, "heading", where), "body": required(item, "body", where)},
        )
    StrategySection.objects.filter(strategy=strategy, position__gt=len(sections)).delete()

    documents = data.get("key_documents", [])
    for position, item in enumerate(documents, start=1):
        sync_by_position(
            KeyDocument,
            {"strategy": strategy},
            position,
            {
                "title": required(item, "title", f"Key document {position}"),
                "reference": item.get("reference", ""),
                "description": item.get("description", ""),
            },
        )
    KeyDocument.objects.filter(strategy=strategy, position__gt=len(documents)).delete()

    ecm_outcomes = {}
    for position, item in enumerate(data.get("every_child_matters_outcomes", []), start=1):
        key = required(item, "key", f"Every Child Matters outcome {position}")
        ecm, _ = EveryChildMattersOutcome.objects.update_or_create(
            key=key, defaults={"name": required(item, "name", key), "position": position}
        )
        ecm_outcomes[key] = ecm

    outcomes = data.get("outcomes", [])
    for position, item in enumerate(outcomes, start=1):
        where = f"Outcome {position}"
        outcome = sync_by_position(
            Outcome, {"strategy": strategy}, position, {"name": required(item, "name", where)}
        )
        try:
            outcome.every_child_matters.set(
                [ecm_outcomes[key] for key in item.get("every_child_matters", [])]
            )
        except KeyError as error:
            raise StrategyFileError(f"{where} names an unknown Every Child Matters outcome {error}") from None
    Outcome.objects.filter(strategy=strategy, position__gt=len(outcomes)).delete()

    duties = data.get("corporate_parent_duties", [])
    for position, text in enumerate(duties, start=1):
        sync_by_position(CorporateParentDuty, {"strategy": strategy}, position, {"text": text})
    CorporateParentDuty.objects.filter(strategy=strategy, position__gt=len(duties)).delete()

    objectives_data = required(data, "objectives", "The file")
    for item in objectives_data:
        number = required(item, "number", "An objective")
        where = f"Objective {number}"
        check_keys(item, OBJECTIVE_KEYS, where)
        objective = Objective.objects.filter(strategy=strategy, number=number).first() or Objective(
            strategy=strategy, number=number
        )
        objective.title = required(item, "title", where)
        objective.statement = required(item, "statement", where)
        loaded.objectives[number] = save_validated(objective)

        indicator_sets = item.get("measured_by", [])
        for position, title in enumerate(indicator_sets, start=1):
            sync_by_position(IndicatorSet, {"objective": objective}, position, {"title": title})
        IndicatorSet.objects.filter(objective=objective, position__gt=len(indicator_sets)).delete()

        actions = item.get("actions", [])
        for position, action_data in enumerate(actions, start=1):
            action_where = f"{where}, action {position}"
            lead_key = action_data.get("lead")
            if lead_key and lead_key not in loaded.organisations:
                raise StrategyFileError(f"{action_where} has an unknown lead '{lead_key}'")
            check_keys(action_data, ACTION_KEYS, action_where)
            loaded.actions[(number, position)] = sync_by_position(
                Action,
                {"objective": objective},
                position,
                {
                    "text": required(action_data, "text", action_where),
                    "lead": loaded.organisations.get(lead_key) if lead_key else None,
                    "due_date": date_value(action_data.get("due_date"), action_where),
                },
                create_only={
                    "status": choice_value(
                        action_data.get("status", Action.Status.NOT_STARTED), Action.Status, action_where
                    )
                },
            )
        delete_unless_in_use(Action.objects.filter(objective=objective, position__gt=len(actions)), where)

    numbers = [item["number"] for item in objectives_data]
    for removed in Objective.objects.filter(strategy=strategy).exclude(number__in=numbers):
        if (
            removed.indicators.filter(figures__isnull=False).exists()
            or removed.actions.filter(updates__isnull=False).exists()
        ):
            raise StrategyFileError(
                f"Objective {removed.number} has figures or progress updates, so it cannot be removed by "
                "loading a file. Keep it in the file"
            )
        removed.delete()
    for item in objectives_data:
        try:
            links = [loaded.objectives[number] for number in item.get("links_to", [])]
        except KeyError as error:
            raise StrategyFileError(
                f"Objective {item['number']} links to unknown objective {error}"
            ) from None
        loaded.objectives[item["number"]].links.set(links)
    return loaded


def can_record_progress(user, action: Action) -> bool:
    """The officer, and contributors of the organisation that leads the action."""
    if user.has_perm("objectives.manage_strategy"):
        return True
    return (
        user.has_perm("objectives.add_actionupdate")
        and action.lead_id is not None
        and action.lead_id == user.organisation_id
    )


@transaction.atomic
def action_progress_record(
    *, action: Action, user, status: str, note: str, expected_version: int | None = None
) -> ActionUpdate:
    """Record a dated progress update; the action takes the update's status.

    EditConflict if someone recorded progress since the person opened the action at
    ``expected_version``, so nobody's status is replaced unseen.
    """
    if not can_record_progress(user, action):
        raise PermissionDenied
    version_claim(action, expected_version=expected_version)
    update = ActionUpdate(
        action=action,
        status=choice_value(status, Action.Status, "The update"),
        note=note.strip(),
        as_of=timezone.localdate(),
        recorded_by=user,
    )
    update.full_clean()
    update.save()
    Action.objects.filter(pk=action.pk).update(status=update.status, edit_version=action.edit_version)
    action.status = update.status
    return update
