from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms

from core.forms import GovukFormMixin
from indicators.choices import Polarity
from indicators.models import CatalogueEntry, PerformanceIndicator

from .layouts import PublishedTable
from .models import MeasureUnit

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
        required=False,
        help_text="How many children the figure counts. Leave as none if the measure has no count, "
        "like an average score.",
    )
    denominator_column = forms.ChoiceField(
        label="Column with the denominator",
        required=False,
        help_text="How many children the figure is out of. Leave as none when a total row gives the "
        "denominator, or there is none. Never a column of percentages or rates.",
    )
    value_column = forms.ChoiceField(
        label="Column with the figure",
        help_text="The percentage, rate, average or ratio the portal compares.",
        error_messages={"required": "Select the column with the percentage or rate"},
    )
    unit = forms.ChoiceField(
        label="What the figure is",
        choices=MeasureUnit.choices,
        error_messages={"required": "Select what the figure is"},
    )
    scale = forms.CharField(
        label="Scale of the average, if it is one",
        required=False,
        max_length=100,
        help_text="For example 0 to 40 for the SDQ score. Shown beside every average.",
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
        measures = [(column, _with_example(table, column)) for column in table.measure_columns]
        self.fields["count_column"].choices = [("", "Select a column"), *measures]
        self.fields["value_column"].choices = [("", "Select a column"), *measures]
        self.fields["denominator_column"].choices = [("", "None"), *measures]
        if strategy is not None:
            self.fields["indicator"].queryset = PerformanceIndicator.objects.filter(
                objective__strategy=strategy
            ).select_related("objective")
            self.fields["indicator"].label_from_instance = lambda pi: f"{pi.reference} {pi.title}"
        breakdown_fields, total_fields, count_fields = [], [], []
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
            self.fields[f"count_{index}"] = forms.ChoiceField(
                label=f"{column} of the count rows",
                choices=[(SAME_AS_FIGURE, "Same as the measure's rows"), *values],
                required=False,
            )
            breakdown_fields.append(Field.select(f"row_{index}"))
            total_fields.append(Field.select(f"total_{index}"))
            count_fields.append(Field.select(f"count_{index}"))
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
                *count_fields,
                legend="Which rows give the count, if the file puts it on rows of its own",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("count_column"),
                Field.select("denominator_column"),
                Field.select("value_column"),
                Field.radios("unit", legend_size=Size.SMALL),
                Field.text("scale", field_width=10),
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
        columns = range(len(self.table.breakdown_columns))
        separate_count = any(cleaned.get(f"count_{index}") for index in columns)
        if (
            cleaned.get("count_column")
            and cleaned.get("count_column") == cleaned.get("value_column")
            and not separate_count
        ):
            self.add_error("value_column", "Select a different column from the count")
        if separate_count and not cleaned.get("count_column"):
            self.add_error("count_column", "Select the column with the count of the count rows")
        if cleaned.get("unit") == MeasureUnit.AVERAGE and not (cleaned.get("scale") or "").strip():
            self.add_error("scale", "Enter the scale of the average, like 0 to 40")
        return cleaned

    @property
    def mapping(self) -> dict:
        cleaned = self.cleaned_data
        columns = self.table.breakdown_columns
        row_filters = {column: cleaned[f"row_{index}"] for index, column in enumerate(columns)}
        total_filters, count_filters = {}, {}
        if any(cleaned.get(f"total_{index}") for index in range(len(columns))):
            total_filters = {
                column: cleaned.get(f"total_{index}") or row_filters[column]
                for index, column in enumerate(columns)
            }
        if any(cleaned.get(f"count_{index}") for index in range(len(columns))):
            count_filters = {
                column: cleaned.get(f"count_{index}") or row_filters[column]
                for index, column in enumerate(columns)
            }
        return {
            "title": cleaned["title"],
            "row_filters": row_filters,
            "total_filters": total_filters,
            "count_filters": count_filters,
            "count_column": cleaned["count_column"],
            "denominator_column": cleaned["denominator_column"],
            "value_column": cleaned["value_column"],
            "unit": cleaned["unit"],
            "scale": cleaned.get("scale", "").strip(),
            "polarity": cleaned["polarity"],
            "catalogue_entry": cleaned["catalogue_entry"],
            "indicator": cleaned["indicator"],
        }


def _with_example(table: PublishedTable, column: str) -> str:
    """A column's name with England's figure in the file's latest year, so the officer sees what it holds."""
    at, level, period = table.column(column), table.column("geographic_level"), table.column("time_period")
    national = [row for row in table.rows if row[level] == "National"]
    if not national:
        return column
    latest = max(national, key=lambda row: int(row[period]))
    return f"{column} (for example, England {latest[period]}: {latest[at]})"


class MeasureEditForm(MeasureForm):
    """The mapping form for an existing mapping, with the version it was read at."""

    submit_label = "Save the changes and re-derive the figures"

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, measure, **kwargs):
        initial = {
            "title": measure.title,
            "count_column": measure.count_column,
            "denominator_column": measure.denominator_column,
            "value_column": measure.value_column,
            "unit": measure.unit,
            "scale": measure.scale,
            "polarity": measure.polarity,
            "catalogue_entry": measure.catalogue_entry_id,
            "indicator": measure.indicator_id,
            "version": measure.version,
        }
        table = kwargs["table"]
        for index, column in enumerate(table.breakdown_columns):
            initial[f"row_{index}"] = measure.row_filters.get(column, "")
            total = measure.total_filters.get(column, "")
            initial[f"total_{index}"] = total if total != measure.row_filters.get(column) else SAME_AS_FIGURE
            count = measure.count_filters.get(column, "")
            initial[f"count_{index}"] = count if count != measure.row_filters.get(column) else SAME_AS_FIGURE
        super().__init__(*args, initial=initial, **kwargs)
        self.helper.layout.fields.insert(0, Field("version"))
        self.helper.layout.fields[-1] = Button("submit", self.submit_label)


class PackUploadForm(GovukFormMixin, forms.Form):
    submit_label = "Load the mappings"

    pack = forms.FileField(
        label="Upload a mapping pack",
        help_text="A JSON file of mappings, as the portal exports it.",
        error_messages={"required": "Select a mapping pack", "empty": "The selected file is empty"},
    )


class ConfirmForm(GovukFormMixin, forms.Form):
    submit_label = "Delete the mapping and its figures"


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
