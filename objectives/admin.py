from django.contrib import admin

from .models import (
    Action,
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


class StrategySectionInline(admin.StackedInline):
    model = StrategySection
    extra = 0


class KeyDocumentInline(admin.StackedInline):
    model = KeyDocument
    extra = 0


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0


class DutyInline(admin.TabularInline):
    model = CorporateParentDuty
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["title", "council", "period", "is_current"]
    inlines = [StrategySectionInline, KeyDocumentInline, OutcomeInline, DutyInline]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0


class IndicatorSetInline(admin.TabularInline):
    model = IndicatorSet
    extra = 0


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "strategy"]
    list_filter = ["strategy"]
    filter_horizontal = ["links"]
    inlines = [ActionInline, IndicatorSetInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["reference", "text", "lead", "status", "due_date"]
    list_filter = ["status", "lead", "objective__strategy"]
    list_select_related = ["objective", "lead"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "key"]
    list_filter = ["kind"]


admin.site.register(EveryChildMattersOutcome)
