from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from portal.forms import GovukFormMixin

from .models import Meeting


class CommentaryForm(GovukFormMixin, forms.Form):
    """The officer's executive summary and commentary on each objective."""

    executive_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        help_text="What the Board most needs to know about this half-year.",
    )

    def __init__(self, *args, objectives: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.objective_numbers = [objective["number"] for objective in objectives]
        for objective in objectives:
            self.fields[f"objective_{objective['number']}"] = forms.CharField(
                label=f"Commentary on objective {objective['number']}: {objective['title']}",
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=10000,
                required=False,
            )
        self.helper.layout = Layout(
            *[Field.textarea(name, label_size=Size.SMALL) for name in self.fields],
            Submit("submit", "Save commentary"),
        )

    @property
    def commentary(self) -> dict:
        return {number: self.cleaned_data[f"objective_{number}"] for number in self.objective_numbers}


class PublishForm(GovukFormMixin, forms.Form):
    submit_label = "Publish to the Board"

    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.exclude(status=Meeting.Status.CANCELLED),
        required=False,
        empty_label="Not yet",
        label="Add it to the papers for a meeting",
    )

    def layout_field(self, name):
        return Field.select(name)
