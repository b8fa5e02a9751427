"""Shared form behaviour: GOV.UK layout through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms


def posted_data(request):
    """The submitted data for a form, or None on GET. An empty POST still binds the form."""
    return request.POST if request.method == "POST" else None


def posted_files(request):
    return request.FILES if request.method == "POST" else None


class GovukFormMixin:
    """Lay a form out with GOV.UK components; the page shows the error summary."""

    submit_label = "Continue"
    autocomplete: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # Focus starts at the top of the page, so the skip link and the page's
            # heading and error summary are met first.
            field.widget.attrs.pop("autofocus", None)
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
