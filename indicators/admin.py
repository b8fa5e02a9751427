from django.contrib import admin

from .models import PerformanceIndicator
from .states import indicator_state_refresh


@admin.register(PerformanceIndicator)
class PerformanceIndicatorAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "unit", "polarity", "frequency", "owner"]
    list_filter = ["unit", "polarity", "frequency", "owner", "objective__strategy"]
    list_select_related = ["objective", "owner"]
    filter_horizontal = ["actions"]

    def save_model(self, request, obj, form, change):
        """A changed definition changes the indicator's state: refreshed in the admin's transaction."""
        super().save_model(request, obj, form, change)
        indicator_state_refresh(indicator_ids=[obj.pk])
