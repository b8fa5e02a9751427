"""Shared form behaviour: GOV.UK layout through crispy-forms-gds, strict input, versioned edits."""

import datetime
from dataclasses import dataclass

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.utils import pretty_name
from django.utils import formats

from .inputs import NumberError, control_character_error, parse_number
from .versions import read_version, version_claim


def posted_data(request):
    """The submitted data for a form, or None on GET. An empty POST still binds the form."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


def refuse_control_characters(value) -> None:
    message = control_character_error(str(value))
    if message:
        raise ValidationError(message, code="control_characters")


class StrictDecimalField(forms.DecimalField):
    """A number read exactly as people write it (``1,234``, ``12,345.5``), or refused saying why.

    The range is the column's: ``max_digits`` and ``decimal_places`` as on the model field.
    """

    def __init__(self, *, max_digits: int = 14, decimal_places: int = 2, **kwargs):
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(str(value), max_digits=self.max_digits, decimal_places=self.decimal_places)
        except NumberError as error:
            raise ValidationError(str(error), code="invalid") from None


class GovukFormMixin:
    """Lay a form out with GOV.UK components; the page shows the error summary.

    Every text field refuses control characters, so a NUL byte or an escape never
    reaches the database or a page.
    """

    submit_label = "Continue"
    autocomplete: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Focus starts at the top of the page, so the skip link and the page's
            # heading and error summary are met first.
            field.widget.attrs.pop("autofocus", None)
            if isinstance(field, forms.CharField) and refuse_control_characters not in field.validators:
                field.validators.append(refuse_control_characters)
        for name, value in self.autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = value
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.label_size = Size.SMALL
        self.helper.layout = Layout(
            *[self.layout_field(name) for name in self.fields],
            Submit("submit", self.submit_label),
        )

    def layout_field(self, name: str):
        if isinstance(self.fields[name].widget, forms.TextInput | forms.EmailInput | forms.PasswordInput):
            return Field.text(name, field_width=Fluid.TWO_THIRDS)
        return Field(name)


@dataclass(frozen=True)
class ConflictRow:
    """One field of the version someone else saved, as the conflict panel shows it."""

    label: str
    theirs: str


CONFLICT_MESSAGE = (
    "Someone else saved this while you were editing it. Check what they saved below; your changes are "
    "still in the form: to keep yours instead, save again."
)


def shown_value(field: forms.Field, value) -> str:
    if value is None or value == "":
        return "(empty)"
    if hasattr(value, "all"):  # a many-to-many relation
        return ", ".join(str(item) for item in value.all()) or "(none)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date | datetime.time):
        return formats.date_format(value, "j F Y" if isinstance(value, datetime.date) else "H:i")
    choices = getattr(field, "choices", None)
    if choices and not hasattr(value, "pk"):
        labels = {str(key): label for key, label in choices}
        return str(labels.get(str(value), value))
    return str(value)


class VersionedFormMixin:
    """A form that edits a shared record: it carries the version it was opened at.

    Pages render the version as a hidden input (``form_page.html`` does). When the
    service raises EditConflict, ``show_conflict`` keeps what was typed, lists what the
    other person saved, and moves the form on to their version, so saving again
    deliberately replaces it. A ModelForm's ``save`` checks the version itself.
    """

    is_versioned = True

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if version is None and instance is not None and instance.pk:
            version = instance.edit_version
        self.version_opened = read_version(self.data.get("version")) if self.is_bound else version
        self.conflict = None
        self.conflict_rows: list[ConflictRow] = []

    def stored_values(self, current) -> dict:
        """What the other person saved, by field name; forms whose fields are not the record's override it."""
        return {name: getattr(current, name) for name in self.fields if hasattr(current, name)}

    def show_conflict(self, current) -> None:
        self.conflict = current
        self.version_opened = current.edit_version
        self.conflict_rows = [
            ConflictRow(
                label=str(self.fields[name].label or pretty_name(name)),
                theirs=shown_value(self.fields[name], value),
            )
            for name, value in self.stored_values(current).items()
            if name in self.fields
        ]
        self.add_error(None, CONFLICT_MESSAGE)

    def save(self, commit=True):
        """Save a ModelForm's record, checking nobody else saved it since the form was opened."""
        with transaction.atomic():
            if self.instance.pk is not None:
                version_claim(self.instance, expected_version=self.version_opened)
            return super().save(commit)
