from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms

from core.forms import GovukFormMixin
from objectives.models import Organisation

from .models import Scope


class TokenForm(GovukFormMixin, forms.Form):
    submit_label = "Issue the token"

    name = forms.CharField(
        max_length=100,
        label="Name of the system",
        help_text="For example, Power BI performance dashboard",
        error_messages={"required": "Enter the name of the system that will use the token"},
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        label="What the token may do",
        error_messages={"required": "Select what the token may do"},
    )
    organisations = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Organisations it may send figures for",
        help_text="Only for a token that sends figures",
    )
    expires_on = DateInputField(
        label="Expiry date",
        help_text="Within a year from today, for example 31 3 2027",
        require_all_fields=False,
    )

    def layout_field(self, name):
        if name == "name":
            return Field.text(name, field_width=Fluid.TWO_THIRDS)
        if name in ("scopes", "organisations"):
            return Field.checkboxes(name, legend_size=Size.SMALL)
        return Field(name, legend_size=Size.SMALL)
