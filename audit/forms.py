from django import forms

from core.forms import GovukFormMixin

from .models import AuditEntry


class AuditFilterForm(GovukFormMixin, forms.Form):
    submit_label = "Filter"

    event = forms.ChoiceField(label="What happened", required=False)
    actor = forms.CharField(label="Who (username)", required=False, max_length=150)
    object_type = forms.ChoiceField(label="What kind of record", required=False)
    since = forms.DateField(
        label="From",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the start date as a real date, for example 2026-04-01"},
    )
    until = forms.DateField(
        label="To",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the end date as a real date, for example 2026-09-30"},
    )

    def __init__(self, *args, object_types: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", "Anything")] + list(AuditEntry.Event.choices)
        self.fields["object_type"].choices = [("", "Any")] + [(label, label) for label in object_types]
        self.helper.form_method = "get"

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be the same as or after the start date")
        return cleaned
