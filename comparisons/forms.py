from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms

from core.forms import GovukFormMixin
from indicators.choices import Polarity, Unit
from indicators.models import CatalogueEntry, PerformanceIndicator

from .layouts import PublishedTable

SAME_AS_FIGURE = ""


class PublishedFileUploadForm(GovukFormMixin, forms.Form):
    submit_label = "Upload and check"

    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV file as the Department for Education publishes it: local-authority statistics, "
        "or the statistical neighbour groupings.",
        error_messages={"required": "Select a CSV file", "empty": "The selected file is empty"},
    )


class ImportConfirmForm(GovukFormMixin, forms.Form):
    submit_label = "Import the figures"


class MeasureForm(GovukFormMixin, forms.Form):
    """Map a file's rows and columns to one measure, once for every file in the same layout."""

    submit_label = "Save the mapping"

    title = forms.CharField(
        label="What the measure is called",
        max_length=300,
        error_messages={"required": "Enter what the measure is called"},
    )
    count_column = forms.ChoiceField(
        label="Column with the count",
        error_messages={"required": "Select the column with the count"},
    )
    denominator_column = forms.ChoiceField(
        label="Column with the denominator",
        required=False,
        help_text="Leave as none when a total row gives the denominator, or there is none.",
    )
    value_column = forms.ChoiceField(
        label="Column with the percentage or rate",
        error_messages={"required": "Select the column with the percentage or rate"},
    )
    unit = forms.ChoiceField(
        label="What the figure is",
        choices=[
            (choice.value, choice.label) for choice in (Unit.PERCENTAGE, Unit.RATE_PER_10000, Unit.COUNT)
        ],
        error_messages={"required": "Select what the figure is"},
    )
    polarity = forms.ChoiceField(
        label="Which way is better?",
        choices=Polarity.choices,
        error_messages={"required": "Select which way is better"},
    )
    catalogue_entry = forms.ModelChoiceField(
        label="National measure in the catalogue",
        queryset=CatalogueEntry.objects.all(),
        required=False,
        empty_label="None",
        help_text="Every indicator adopted from this measure shows the comparison.",
    )
    indicator = forms.ModelChoiceField(
        label="Or a performance indicator of the strategy",
        queryset=PerformanceIndicator.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(self, *args, table: PublishedTable, strategy, **kwargs):
        self.table = table
        super().__init__(*args, **kwargs)
        measures = [(column, column) for column in table.measure_columns]
        self.fields["count_column"].choices = [("", "Select a column"), *measures]
        self.fields["value_column"].choices = [("", "Select a column"), *measures]
        self.fields["denominator_column"].choices = [("", "None"), *measures]
        if strategy is not None:
            self.fields["indicator"].queryset = PerformanceIndicator.objects.filter(
                objective__strategy=strategy
            ).select_related("objective")
            self.fields["indicator"].label_from_instance = lambda pi: f"{pi.reference} {pi.title}"
        breakdown_fields, total_fields = [], []
        for index, column in enumerate(table.breakdown_columns):
            values = [(value, value) for value in table.distinct(column)]
            self.fields[f"row_{index}"] = forms.ChoiceField(
                label=column,
                choices=[("", "Select a value"), *values],
                error_messages={"required": f"Select the {column} of the measure's rows"},
            )
            self.fields[f"total_{index}"] = forms.ChoiceField(
                label=f"{column} of the total rows",
                choices=[(SAME_AS_FIGURE, "Same as the measure's rows"), *values],
                required=False,
            )
            breakdown_fields.append(Field.select(f"row_{index}"))
            total_fields.append(Field.select(f"total_{index}"))
        self.helper.layout = Layout(
            Field.text("title", field_width=Fluid.FULL),
            Fieldset(
                *breakdown_fields,
                legend="Which rows give the measure",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                *total_fields,
                legend="Which rows give the total (the denominator), if the file has total rows",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("count_column"),
                Field.select("denominator_column"),
                Field.select("value_column"),
                Field.radios("unit", legend_size=Size.SMALL),
                Field.radios("polarity", legend_size=Size.SMALL),
                legend="Which columns give the figures",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("catalogue_entry"),
                Field.select("indicator"),
                legend="Where the comparison shows",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", self.submit_label),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("count_column") and cleaned.get("count_column") == cleaned.get("value_column"):
            self.add_error("value_column", "Select a different column from the count")
        return cleaned

    @property
    def mapping(self) -> dict:
        cleaned = self.cleaned_data
        columns = self.table.breakdown_columns
        row_filters = {column: cleaned[f"row_{index}"] for index, column in enumerate(columns)}
        total_filters = {}
        if any(cleaned.get(f"total_{index}") for index in range(len(columns))):
            total_filters = {
                column: cleaned.get(f"total_{index}") or row_filters[column]
                for index, column in enumerate(columns)
            }
        return {
            "title": cleaned["title"],
            "row_filters": row_filters,
            "total_filters": total_filters,
            "count_column": cleaned["count_column"],
            "denominator_column": cleaned["denominator_column"],
            "value_column": cleaned["value_column"],
            "unit": cleaned["unit"],
            "polarity": cleaned["polarity"],
            "catalogue_entry": cleaned["catalogue_entry"],
            "indicator": cleaned["indicator"],
        }


YEAR_ERRORS = {"invalid": "Enter a year, like 2023", "min_value": "Enter a year, like 2023"}


class DefinitionForm(GovukFormMixin, forms.Form):
    submit_label = "Save the definition"

    definition = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Enter the definition"},
        help_text="As DfE words it for these years.",
    )
    valid_from = forms.IntegerField(
        label="First year it applies to",
        required=False,
        min_value=1900,
        error_messages=YEAR_ERRORS,
        help_text="The year ending 31 March, like 2023. Leave empty if it applies from the start.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    valid_to = forms.IntegerField(
        label="Last year it applies to",
        required=False,
        min_value=1900,
        error_messages=YEAR_ERRORS,
        help_text="Leave empty while it is the current definition.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def layout_field(self, name):
        if name == "definition":
            return Field.textarea(name)
        return Field.text(name, field_width=5)
