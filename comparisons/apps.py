from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Published statistics and comparisons"

    def indicator_comparison_sections(self, indicator) -> dict:
        """The published comparisons of one indicator, for its page (which cannot import this app)."""
        from .pages import indicator_comparison_sections

        return indicator_comparison_sections(indicator)

    def latest_verdicts_by_indicator(self, indicators) -> dict:
        """The latest comparison of each listed indicator, for the indicator list."""
        from .pages import latest_verdicts_by_indicator

        return latest_verdicts_by_indicator(indicators)

    def verdict_counts_by_objective(self, objectives) -> dict:
        """Verdict counts per objective, for the strategy overview."""
        from .pages import verdict_counts_by_objective

        return verdict_counts_by_objective(objectives)

    def england_by_group(self, indicator) -> dict:
        """England's latest figure for each (dimension, group) of one indicator, for its page."""
        from .need_profiles import england_by_group

        return england_by_group(indicator)
