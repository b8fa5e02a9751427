"""Reads about the strategy for people's home pages."""

from indicators.models import PerformanceIndicator
from objectives.models import Action, Objective, Strategy


def officer_attention(strategy: Strategy) -> dict[str, list]:
    """What the corporate parenting officer should look at first."""
    actions = Action.objects.filter(objective__strategy=strategy).select_related("objective", "lead")
    return {
        "overdue_actions": list(actions.overdue().due_in_strategy_period().order_by("due_date", "pk")),
        "actions_without_lead": list(actions.without_lead()),
        "indicators_without_owner": list(
            PerformanceIndicator.objects.filter(objective__strategy=strategy).with_details().without_owner()
        ),
        "objectives_without_indicators": list(
            Objective.objects.filter(strategy=strategy, indicators__isnull=True)
        ),
    }


def organisation_work(strategy: Strategy, organisation) -> dict[str, list]:
    """The indicators an organisation owns and the actions it leads."""
    return {
        "owned_indicators": list(
            PerformanceIndicator.objects.filter(objective__strategy=strategy)
            .with_details()
            .owned_by(organisation)
        ),
        "led_actions": list(
            Action.objects.filter(objective__strategy=strategy)
            .select_related("objective", "lead")
            .led_by(organisation)
        ),
    }
