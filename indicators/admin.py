from django.contrib import admin

from .models import PerformanceIndicator


@admin.register(PerformanceIndicator)
class PerformanceIndicatorAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "unit", "polarity", "frequency", "owner"]
    list_filter = ["unit", "polarity", "frequency", "owner", "objective__strategy"]
    list_select_related = ["objective", "owner"]
    filter_horizontal = ["actions"]
