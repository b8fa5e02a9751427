from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms

from core.forms import GovukFormMixin, VersionedFormMixin
from indicators.choices import Polarity
from indicators.models import BreakdownGroup, CatalogueEntry, NeedProfile, PerformanceIndicator

from .layouts import PublishedTable
from .models import MeasureUnit

SAME_AS_FIGURE = ""
BY_GROUP = "*by-group*"  # a breakdown column whose values are the measure's groups


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
    breakdown_dimension = forms.CharField(
        label="Dimension of the groups",
        required=False,
        max_length=40,
        help_text="For a measure by group: age-band, sex, ethnicity or uasc, or a code of your own "
        "such as care-leaver-age.",
    )
    breakdown_groups = forms.CharField(
        label="Each value's group",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One line for each value of the column, as the file has it, then an equals sign and "
        "the group's code, such as: Boys = male. Leave the code blank for the total. Rows with values "
        "not listed are left out.",
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
                choices=[
                    ("", "Select a value"),
                    *values,
                    (BY_GROUP, "Each value is a group (a measure by group)"),
                ],
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
                Field.text("breakdown_dimension", field_width=20),
                Field.textarea("breakdown_groups"),
                legend="Figures by group, if a column's values are the groups",
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
        self._clean_breakdown(cleaned)
        return cleaned

    @property
    def breakdown_column(self) -> str:
        columns = self.table.breakdown_columns
        return next(
            (
                column
                for index, column in enumerate(columns)
                if self.cleaned_data.get(f"row_{index}") == BY_GROUP
            ),
            "",
        )

    def _clean_breakdown(self, cleaned) -> None:
        """A measure by group: one column whose values are the groups, a dimension, each value's group."""
        by_group = [
            index
            for index in range(len(self.table.breakdown_columns))
            if cleaned.get(f"row_{index}") == BY_GROUP
        ]
        dimension = (cleaned.get("breakdown_dimension") or "").strip()
        text = cleaned.get("breakdown_groups") or ""
        if len(by_group) > 1:
            self.add_error(f"row_{by_group[1]}", "Choose one column whose values are the groups")
            return
        if not by_group:
            if dimension or text.strip():
                self.add_error(
                    "breakdown_groups",
                    "Choose the column whose values are the groups, under which rows give the measure, "
                    "or clear the figures by group",
                )
            cleaned["breakdown_groups"] = {}
            return
        column = self.table.breakdown_columns[by_group[0]]
        if not dimension:
            self.add_error("breakdown_dimension", "Enter the dimension of the groups, such as sex")
        values = set(self.table.distinct(column))
        groups = {}
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            value, equals, code = line.rpartition("=")
            value, code = value.strip(), code.strip()
            if not equals:
                self.add_error(
                    "breakdown_groups",
                    f"Line {number}: write the value, an equals sign, then the group's code",
                )
                return
            if value not in values:
                self.add_error(
                    "breakdown_groups",
                    f"Line {number}: '{value}' is not a value of {column}: copy the value as the file has it",
                )
                return
            groups[value] = code
        if not groups:
            self.add_error("breakdown_groups", f"Enter the group of each value of {column} you want")
        cleaned["breakdown_dimension"] = dimension
        cleaned["breakdown_groups"] = groups

    @property
    def mapping(self) -> dict:
        cleaned = self.cleaned_data
        breakdown_column = self.breakdown_column
        columns = [column for column in self.table.breakdown_columns if column != breakdown_column]
        indexes = {column: index for index, column in enumerate(self.table.breakdown_columns)}
        row_filters = {column: cleaned[f"row_{indexes[column]}"] for column in columns}
        total_filters, count_filters = {}, {}
        if any(cleaned.get(f"total_{indexes[column]}") for column in columns):
            total_filters = {
                column: cleaned.get(f"total_{indexes[column]}") or row_filters[column] for column in columns
            }
        if any(cleaned.get(f"count_{indexes[column]}") for column in columns):
            count_filters = {
                column: cleaned.get(f"count_{indexes[column]}") or row_filters[column] for column in columns
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
            "breakdown_column": breakdown_column,
            "breakdown_dimension": cleaned["breakdown_dimension"] if breakdown_column else "",
            "breakdown_groups": cleaned["breakdown_groups"] if breakdown_column else {},
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
            "breakdown_dimension": measure.breakdown_dimension,
            "breakdown_groups": "\n".join(
                f"{value} = {code}" for value, code in measure.breakdown_groups.items()
            ),
        }
        table = kwargs["table"]
        for index, column in enumerate(table.breakdown_columns):
            initial[f"row_{index}"] = (
                BY_GROUP if column == measure.breakdown_column else measure.row_filters.get(column, "")
            )
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


class GroupChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.dimension.name}: {obj.label}"


class NeedProfileForm(VersionedFormMixin, GovukFormMixin, forms.ModelForm):
    """The officer's draft of a profile of need: the group it is about, its title and summary."""

    submit_label = "Save profile"

    group = GroupChoiceField(
        queryset=BreakdownGroup.objects.select_related("dimension"),
        label="Group",
        help_text="The children the profile is about, for example unaccompanied asylum-seeking children.",
        error_messages={"required": "Select the group the profile is about"},
    )

    class Meta:
        model = NeedProfile
        fields = ["group", "title", "summary"]
        labels = {"title": "Title", "summary": "Summary for the Board"}
        error_messages = {"title": {"required": "Enter the profile's title"}}
