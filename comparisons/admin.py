from django.contrib import admin

from .models import DefinitionVersion, PublishedFile, PublishedMeasure, StatisticalNeighbour, YearReplacement


class DefinitionVersionInline(admin.TabularInline):
    model = DefinitionVersion
    extra = 1


@admin.register(PublishedMeasure)
class PublishedMeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "polarity", "catalogue_entry", "indicator"]
    inlines = [DefinitionVersionInline]


@admin.register(PublishedFile)
class PublishedFileAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "row_count", "uploaded_at", "imported_at"]
    exclude = ["content"]
    readonly_fields = ["filename", "sha256", "kind", "columns", "row_count", "uploaded_by", "imported_at"]


@admin.register(YearReplacement)
class YearReplacementAdmin(admin.ModelAdmin):
    list_display = ["measure", "time_period", "replaced_file", "replacing_file", "replaced_at"]


@admin.register(StatisticalNeighbour)
class StatisticalNeighbourAdmin(admin.ModelAdmin):
    list_display = ["la_name", "la_code", "rank", "neighbour_code", "closeness"]
    search_fields = ["la_name", "la_code"]
