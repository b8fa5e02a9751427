from crispy_forms_gds.layout import Field, Size
from django import forms

from core.forms import GovukFormMixin, VersionedFormMixin

from .models import Action


class ProgressUpdateForm(VersionedFormMixin, GovukFormMixin, forms.Form):
    submit_label = "Record progress"

    status = forms.ChoiceField(
        label="How is this action going?",
        choices=Action.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the action is going"},
    )
    note = forms.CharField(
        label="What has happened since the last update?",
        help_text="The Board reads this. Never name a child or give details that could identify one.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": "Enter what has happened since the last update"},
    )

    def stored_values(self, current) -> dict:
        latest = current.updates.order_by("-pk").first()
        return {"status": current.status, "note": latest.note if latest else ""}

    def layout_field(self, name):
        if name == "status":
            return Field.radios("status", legend_size=Size.SMALL)
        return Field.textarea(name)
