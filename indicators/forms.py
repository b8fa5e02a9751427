from crispy_forms_gds.layout import Button, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError

from core.forms import GovukFormMixin, StrictDecimalField, VersionedFormMixin
from objectives.models import Organisation

from .breakdowns import PARTS, DimensionGroups, group_field, group_values_clean
from .checks import unusual_change
from .choices import Unit
from .figures import figure_values_clean
from .models import Figure, PerformanceIndicator

NUMBER_ERRORS = {"invalid": "Enter a number, like 12 or 45.5", "max_digits": "Enter a smaller number"}


def number_input() -> forms.TextInput:
    """A text input for numbers, as the GOV.UK Design System advises, not type=number."""
    return forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false", "autocomplete": "off"})


class FigureForm(GovukFormMixin, forms.Form):
    """Enter or change one indicator's figure for one period."""

    value = StrictDecimalField(
        label="Figure", required=False, error_messages=NUMBER_ERRORS, widget=number_input()
    )
    numerator = StrictDecimalField(required=False, error_messages=NUMBER_ERRORS, widget=number_input())
    denominator = StrictDecimalField(required=False, error_messages=NUMBER_ERRORS, widget=number_input())
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Anything the Board should know when reading this figure. Never name a child.",
    )
    quality = forms.ChoiceField(
        label="How reliable is this figure?", choices=Figure.Quality.choices, initial=Figure.Quality.GOOD
    )
    source = forms.CharField(required=False, max_length=300, label="Where the figure comes from")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The figure the person was asked "Is this right?" about: saving it again confirms it.
    confirmed_value = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args,
        indicator: PerformanceIndicator,
        previous: Figure | None = None,
        dimensions: list[DimensionGroups] = (),
        **kwargs,
    ):
        self.indicator = indicator
        self.previous = previous
        self.dimensions = list(dimensions)
        super().__init__(*args, **kwargs)
        self.add_group_fields()
        if indicator.unit == Unit.YES_NO:
            self.fields["value"] = forms.TypedChoiceField(
                label="Answer",
                choices=[("1", "Yes"), ("0", "No")],
                coerce=lambda answer: forms.DecimalField().clean(answer),
                required=False,
                empty_value=None,
            )
        else:
            self.fields["value"].label = f"Figure ({indicator.get_unit_display().lower()})"
        if indicator.has_parts:
            self.fields[
                "value"
            ].help_text = "Or leave this empty and give the numerator and denominator below."
            self.fields["numerator"].help_text = "For example, the number of children with a health check."
            self.fields["denominator"].help_text = "For example, the number of children looked after."
        else:
            del self.fields["numerator"], self.fields["denominator"]
        self.helper.layout = Layout(
            *self.layout_fields(),
            Button("submit", "Save and submit"),
            Button.secondary("save", "Save as draft"),
        )

    def layout_fields(self):
        fields = [self.value_field()]
        if self.indicator.has_parts:
            fields.append(
                Fieldset(
                    Field.text("numerator", field_width=10),
                    Field.text("denominator", field_width=10),
                    legend="Or give the numerator and denominator",
                    legend_size=Size.SMALL,
                )
            )
        fields += [
            Field.textarea("note"),
            Field.radios("quality", legend_size=Size.SMALL),
            Field.text("source", field_width=Fluid.TWO_THIRDS),
            Field("version"),
            Field("confirmed_value"),
        ]
        return fields[:-5] + self.group_layout() + fields[-5:]

    def group_parts(self) -> tuple[str, ...]:
        """What is entered for each group: the numerator and denominator of a rate, else the value."""
        return ("numerator", "denominator") if self.indicator.has_parts else ("value",)

    def add_group_fields(self) -> None:
        for dimension in self.dimensions:
            for group in dimension.groups:
                for part in self.group_parts():
                    label = group.label if part == "value" else f"{group.label}: {part}"
                    self.fields[group_field(group, part)] = StrictDecimalField(
                        label=label, required=False, error_messages=NUMBER_ERRORS, widget=number_input()
                    )

    def group_layout(self) -> list:
        if not self.dimensions:
            return []
        unit = self.indicator.get_unit_display().lower()
        return [
            Fieldset(
                *[
                    Field.text(group_field(group, part), field_width=5)
                    for group in dimension.groups
                    for part in self.group_parts()
                ],
                legend=f"By {dimension.dimension.name.lower()} (optional, {unit})",
                legend_size=Size.SMALL,
            )
            for dimension in self.dimensions
        ]

    def value_field(self):
        if self.indicator.unit == Unit.YES_NO:
            return Field.radios("value", legend_size=Size.SMALL, inline=True)
        return Field.text("value", field_width=10)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            cleaned.update(
                figure_values_clean(
                    indicator=self.indicator,
                    value=cleaned.get("value"),
                    numerator=cleaned.get("numerator"),
                    denominator=cleaned.get("denominator"),
                )
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                self.add_error(name if name in self.fields else None, messages)
            return cleaned
        if self.dimensions:
            try:
                self.cleaned_groups = group_values_clean(
                    indicator=self.indicator,
                    dimensions=self.dimensions,
                    total=cleaned,
                    entered=self.entered_groups,
                )
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    self.add_error(name if name in self.fields else None, messages)
                return cleaned
        change = unusual_change(indicator=self.indicator, previous=self.previous, value=cleaned["value"])
        if change is not None and cleaned.get("confirmed_value") != str(cleaned["value"]):
            # Asked once: the same figure saved again is taken as confirmed.
            self.data = self.data.copy()
            self.data["confirmed_value"] = str(cleaned["value"])
            self.add_error("value" if cleaned.get("numerator") is None else "numerator", change.message)
        return cleaned

    @property
    def values(self) -> dict:
        return {
            name: self.cleaned_data.get(name)
            for name in ("value", "numerator", "denominator", "note", "quality", "source")
        }

    @property
    def entered_groups(self) -> dict[int, dict]:
        """What was typed for each group, by group id (None for a part left empty)."""
        return {
            group.pk: {
                part: self.cleaned_data.get(group_field(group, part)) if part in self.group_parts() else None
                for part in PARTS
            }
            for dimension in self.dimensions
            for group in dimension.groups
        }

    @property
    def group_values(self) -> dict[int, dict] | None:
        """The groups' parts to save, or None for an indicator without breakdowns (keep what it has)."""
        if not self.dimensions:
            return None
        return getattr(self, "cleaned_groups", {})

    @staticmethod
    def group_initial(dimensions: list[DimensionGroups], saved: dict[int, dict]) -> dict:
        return {
            group_field(group, part): format(saved[group.pk][part].normalize(), "f")
            for dimension in dimensions
            for group in dimension.groups
            if group.pk in saved
            for part in PARTS
            if saved[group.pk][part] is not None
        }


class SendBackForm(GovukFormMixin, forms.Form):
    submit_label = "Send back"

    reason = forms.CharField(
        label="Why are you sending this figure back?",
        help_text="The contributor sees this. Say what needs checking or correcting.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter why you are sending the figure back"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def layout_field(self, name):
        if name == "reason":
            return Field.textarea("reason")
        return Field(name)


class UploadForm(GovukFormMixin, forms.Form):
    submit_label = "Upload and check"

    file = forms.FileField(
        label="Upload a file",
        help_text="A CSV (UTF-8) or Excel (.xlsx) file in the layout of the template.",
        error_messages={"required": "Select a CSV or Excel file", "empty": "The selected file is empty"},
    )


class ConfirmImportForm(GovukFormMixin, forms.Form):
    submit_label = "Import these figures"

    submit_figures = forms.BooleanField(
        label="Submit the figures for verification now",
        required=False,
        initial=True,
        help_text="Leave this unticked to save them as drafts you can check first.",
    )

    def __init__(self, *args, replacing_verified: int = 0, unusual: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if unusual:
            self.fields["confirm_unusual"] = forms.BooleanField(
                label='I have checked the figure marked "Is this right?" and it is right'
                if unusual == 1
                else f'I have checked the {unusual} figures marked "Is this right?" and they are right',
                error_messages={
                    "required": 'Tick to confirm the figures marked "Is this right?" are right, '
                    "or correct them and upload the file again"
                },
            )
            self.helper.layout.fields.insert(0, self.layout_field("confirm_unusual"))
        if replacing_verified:
            self.fields["confirm_replacing"] = forms.BooleanField(
                label="I understand this replaces a verified figure"
                if replacing_verified == 1
                else f"I understand this replaces {replacing_verified} verified figures",
                help_text="Each will need verifying again, and leaves the Board's pages until then.",
                error_messages={
                    "required": "Tick to confirm you mean to replace verified figures, "
                    "or upload a file without them"
                },
            )
            self.helper.layout.fields.insert(0, self.layout_field("confirm_replacing"))

    def layout_field(self, name):
        return Field.checkbox(name)


class AdoptForm(GovukFormMixin, forms.Form):
    submit_label = "Add to the strategy"

    objective = forms.ModelChoiceField(
        queryset=None,
        label="Which objective does it measure?",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the objective this indicator measures"},
    )
    owner = forms.ModelChoiceField(
        queryset=Organisation.objects.all(),
        label="Which organisation provides its figures?",
        required=False,
        empty_label="Decide later",
    )

    def __init__(self, *args, strategy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = strategy.objectives.all()
        self.fields["objective"].label_from_instance = lambda objective: (
            f"{objective.number}. {objective.title}"
        )

    def layout_field(self, name):
        if name == "objective":
            return Field.radios("objective", legend_size=Size.SMALL)
        return Field.select(name)


class TargetsForm(VersionedFormMixin, GovukFormMixin, forms.Form):
    """An indicator's targets for a run of periods, and how near counts as amber."""

    submit_label = "Save targets"

    amber_tolerance = StrictDecimalField(
        label="Near target means within",
        required=False,
        widget=number_input(),
        error_messages=NUMBER_ERRORS,
        help_text="How far short of the target a figure can be and still count as near target (amber), "
        "in the indicator's unit. Leave empty for none.",
    )
    change_check_percent = forms.IntegerField(
        label='Ask "Is this right?" when a figure moves by more than (%)',
        required=False,
        min_value=1,
        max_value=1000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter a whole percentage, like 20",
            "min_value": "Enter a percentage of 1 or more, or leave it empty never to ask",
            "max_value": "Enter a percentage of 1000 or less",
        },
        help_text="A figure this much higher or lower than the previous period's is queried once before "
        "it is saved. Leave empty never to ask.",
    )

    def __init__(self, *args, indicator: PerformanceIndicator, periods, **kwargs):
        self.indicator = indicator
        self.periods = periods
        super().__init__(*args, **kwargs)
        for period in periods:
            self.fields[self.field_name(period)] = StrictDecimalField(
                label=period.label,
                required=False,
                widget=number_input(),
                error_messages=NUMBER_ERRORS,
            )
        self.helper.layout = Layout(
            Field.text("amber_tolerance", field_width=10),
            Field.text("change_check_percent", field_width=4),
            Fieldset(
                *[Field.text(self.field_name(period), field_width=10) for period in periods],
                legend="Targets",
                legend_size=Size.MEDIUM,
            ),
            Button("submit", self.submit_label),
        )

    def stored_values(self, current) -> dict:
        saved = {
            target.period_start: target.value
            for target in current.targets.filter(
                frequency=current.frequency, period_start__in=[period.start for period in self.periods]
            )
        }
        return {
            "amber_tolerance": current.amber_tolerance,
            "change_check_percent": current.change_check_percent,
        } | {self.field_name(period): saved.get(period.start) for period in self.periods}

    @staticmethod
    def field_name(period) -> str:
        return period.start.isoformat()

    @property
    def targets(self) -> dict:
        return {period: self.cleaned_data.get(self.field_name(period)) for period in self.periods}


class BatchVerifyForm(GovukFormMixin, forms.Form):
    """The figures the officer ticked in the verification queue, each with the version they saw."""

    figures = forms.TypedMultipleChoiceField(
        coerce=int, error_messages={"required": "Select the figures to verify"}
    )

    def __init__(self, *args, queue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figures"].choices = [(row.figure.pk, str(row.figure)) for row in queue]
        self.fields["figures"].error_messages["invalid_choice"] = (
            "A figure you selected is no longer waiting for verification: check the list and try again"
        )

    def versions(self) -> dict[int, int]:
        versions = {}
        for figure_id in self.cleaned_data["figures"]:
            raw = self.data.get(f"version-{figure_id}", "")
            versions[figure_id] = int(raw) if raw.isdigit() else 0
        return versions


class ReopenRequestForm(GovukFormMixin, forms.Form):
    submit_label = "Ask the officer to reopen this figure"

    reason = forms.CharField(
        label="What is wrong with the figure?",
        help_text="The corporate parenting officer sees this and can reopen the figure for you to correct.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Enter what is wrong with the figure"},
    )

    def layout_field(self, name):
        return Field.textarea(name)
