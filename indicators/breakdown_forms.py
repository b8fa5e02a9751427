"""Forms for the officer's breakdowns: dimensions, their groups, and an indicator's dimensions."""

from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import GovukFormMixin, StrictDecimalField, VersionedFormMixin

from .models import BreakdownDimension, BreakdownGroup, PerformanceIndicator


class DimensionForm(VersionedFormMixin, GovukFormMixin, forms.ModelForm):
    submit_label = "Save dimension"

    class Meta:
        model = BreakdownDimension
        fields = ["name", "code", "order"]
        labels = {"name": "Name", "code": "Column name in import files", "order": "Position in lists"}
        error_messages = {
            "name": {"required": "Enter the dimension's name", "unique": "A dimension has this name already"},
            "code": {
                "required": "Enter the column name, for example age_band",
                "invalid": "Enter a column name of letters, numbers, hyphens or underscores",
                "unique": "A dimension has this column name already",
            },
            "order": {"invalid": "Enter a whole number, like 3", "min_value": "Enter 0 or more"},
        }
        widgets = {"order": forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})}


class GroupForm(VersionedFormMixin, GovukFormMixin, forms.ModelForm):
    submit_label = "Save group"

    class Meta:
        model = BreakdownGroup
        fields = ["label", "code", "order", "is_unknown"]
        labels = {"label": "Name", "code": "How import files name it", "order": "Position in the dimension"}
        error_messages = {
            "label": {"required": "Enter the group's name"},
            "code": {
                "required": "Enter how import files name the group, for example 5-9",
                "invalid": "Enter a name of letters, numbers, hyphens or underscores",
            },
            "order": {"invalid": "Enter a whole number, like 3", "min_value": "Enter 0 or more"},
        }
        widgets = {"order": forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"})}

    def __init__(self, *args, dimension: BreakdownDimension, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.dimension = dimension

    def layout_field(self, name):
        if name == "is_unknown":
            return Field.checkbox(name)
        return super().layout_field(name)

    def validate_unique(self):
        # The dimension is set on the instance, not a field: check its constraints too, in words.
        try:
            self.instance.validate_constraints()
        except forms.ValidationError:
            dimension = self.instance.dimension
            others = BreakdownGroup.objects.filter(dimension=dimension).exclude(pk=self.instance.pk)
            if others.filter(code=self.instance.code).exists():
                self.add_error("code", f"{dimension} has a group named {self.instance.code} already")
            if others.filter(label=self.instance.label).exists():
                self.add_error("label", f"{dimension} has a group called {self.instance.label} already")
            if self.instance.is_unknown and others.filter(is_unknown=True).exists():
                self.add_error("is_unknown", f"{dimension} has an unknown group already")


class IndicatorDimensionsForm(VersionedFormMixin, GovukFormMixin, forms.Form):
    submit_label = "Save breakdowns"

    dimensions = forms.ModelMultipleChoiceField(
        queryset=BreakdownDimension.objects.all(),
        label="Which groups are this indicator's figures broken down by?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Contributors can then give each group's figure beside the total.",
        error_messages={"invalid_choice": "Select dimensions from the list"},
    )
    disparity_threshold = StrictDecimalField(
        label=PerformanceIndicator._meta.get_field("disparity_threshold").verbose_name,
        help_text=PerformanceIndicator._meta.get_field("disparity_threshold").help_text,
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"}),
        error_messages={
            "invalid": "Enter a number, like 5 or 2.5",
            "min_value": "Enter 0 or more, or leave it empty",
        },
    )

    def layout_field(self, name):
        if name == "dimensions":
            return Field.checkboxes(name, legend_size=Size.SMALL)
        return Field.text(name, field_width=5)

    def stored_values(self, current) -> dict:
        return {
            "dimensions": BreakdownDimension.objects.filter(indicators__indicator=current),
            "disparity_threshold": current.disparity_threshold,
        }
