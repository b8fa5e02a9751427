from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Performance indicators"

    def performance_by_objective(self, strategy, *, user):
        """Each objective's indicator statuses, for the strategy pages (which cannot import this app)."""
        from .states import performance_by_objective

        return performance_by_objective(strategy, user=user)

    def data_as_at(self, performance):
        """The day the newest figure among these objectives' statuses was verified."""
        from .states import states_data_as_at

        return states_data_as_at(
            status for objective in performance.values() for status in objective.statuses
        )

    def performance_columns(self):
        """The strategy overview's matrix columns: filter value and heading."""
        from .selectors import PERFORMANCE_LABELS

        return list(PERFORMANCE_LABELS.items())
