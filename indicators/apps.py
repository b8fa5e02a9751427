from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = "Performance indicators"

    def performance_by_objective(self, strategy, *, user):
        """Each objective's indicator statuses, for the strategy pages (which cannot import this app)."""
        from .selectors import performance_by_objective

        return performance_by_objective(strategy, user=user)
