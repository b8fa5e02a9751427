from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.utils import timezone

from core.forms import GovukFormMixin, VersionedFormMixin

from .models import Attendance, BoardAction, Meeting
from .snapshot import ObjectiveEntry


class CommentaryForm(VersionedFormMixin, GovukFormMixin, forms.Form):
    """The officer's executive summary and commentary on each objective."""

    executive_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        required=False,
        help_text="What the Board most needs to know about this half-year.",
    )

    def __init__(self, *args, objectives: list[ObjectiveEntry], **kwargs):
        super().__init__(*args, **kwargs)
        self.objective_numbers = [objective.number for objective in objectives]
        for objective in objectives:
            self.fields[f"objective_{objective.number}"] = forms.CharField(
                label=f"Commentary on objective {objective.number}: {objective.title}",
                widget=forms.Textarea(attrs={"rows": 4}),
                max_length=10000,
                required=False,
            )
        self.helper.layout = Layout(
            *[Field.textarea(name, label_size=Size.SMALL) for name in self.fields],
            Submit("submit", "Save commentary"),
        )

    def stored_values(self, current) -> dict:
        saved = current.commentary or {}
        return {"executive_summary": current.executive_summary} | {
            f"objective_{number}": saved.get(str(number), "") for number in self.objective_numbers
        }

    @property
    def commentary(self) -> dict:
        return {number: self.cleaned_data[f"objective_{number}"] for number in self.objective_numbers}


class IndicatorCommentForm(GovukFormMixin, forms.Form):
    """A comment on one indicator's row: why it moved, what is being done, by whom and by when."""

    submit_label = "Save comment"

    text = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        required=False,
        help_text="Why it moved, what is being done, by whom and by when.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def layout_field(self, name):
        if name == "text":
            return Field.textarea(name, label_size=Size.SMALL, max_characters=2000)
        return Field(name)


def upcoming_meetings():
    return Meeting.objects.filter(date__gte=timezone.localdate(), status=Meeting.Status.SCHEDULED).order_by(
        "date"
    )


class PublishForm(GovukFormMixin, forms.Form):
    """Publishing adds the report to the papers of a coming meeting, the next one unless chosen."""

    submit_label = "Publish to the Board"

    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Not yet",
        label="Add it to the papers for a meeting",
        error_messages={"invalid_choice": "Choose a meeting that has not taken place yet"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = upcoming_meetings()
        self.fields["meeting"].queryset = meetings
        if not self.is_bound:
            self.initial.setdefault("meeting", meetings.first())

    def layout_field(self, name):
        return Field.select(name)


class MeetingForm(VersionedFormMixin, GovukFormMixin, forms.ModelForm):
    submit_label = "Save meeting"

    date = DateInputField(label="Date", help_text="For example, 27 3 2027", require_all_fields=False)

    class Meta:
        model = Meeting
        fields = ["date", "start_time", "venue", "status"]
        labels = {"start_time": "Start time"}
        help_texts = {"start_time": "In the 24-hour clock, for example 14:00"}
        widgets = {"status": forms.RadioSelect}
        error_messages = {"start_time": {"invalid": "Enter a time like 14:00"}}

    def layout_field(self, name):
        if name == "date":
            return Field("date", legend_size=Size.SMALL)
        if name == "status":
            return Field.radios("status", legend_size=Size.SMALL, inline=True)
        return Field.text(name, field_width=20)


class AttendanceForm(GovukFormMixin, forms.Form):
    submit_label = "Save attendance"

    def __init__(self, *args, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.seats = list(seats)
        choices = [("", "Not recorded"), *Attendance.Status.choices]
        for seat in self.seats:
            label = f"{seat.role}, {seat.organisation}" + (
                f" ({seat.person.display_name})" if seat.person else ""
            )
            self.fields[f"seat_{seat.pk}"] = forms.ChoiceField(label=label, choices=choices, required=False)
            self.fields[f"deputy_{seat.pk}"] = forms.CharField(
                label=f"Deputy for {seat.role} (optional)", max_length=200, required=False
            )
        self.fields["officers_in_attendance"] = forms.CharField(
            label="Officers in attendance (optional)",
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=5000,
            required=False,
            help_text="Officers and guests present who do not hold a seat, one a line.",
        )
        self.helper.layout = Layout(
            *[
                Field.select(name)
                if name.startswith("seat_")
                else Field.text(name, field_width=Fluid.TWO_THIRDS)
                for name in self.fields
                if name != "officers_in_attendance"
            ],
            Field.textarea("officers_in_attendance"),
            Submit("submit", self.submit_label),
        )

    @property
    def statuses(self) -> dict[int, str]:
        return {seat.pk: self.cleaned_data[f"seat_{seat.pk}"] for seat in self.seats}

    @property
    def deputies(self) -> dict[int, str]:
        return {seat.pk: self.cleaned_data[f"deputy_{seat.pk}"].strip() for seat in self.seats}


class MinutesForm(VersionedFormMixin, GovukFormMixin, forms.Form):
    submit_label = "Save draft minutes"

    minutes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=50000,
        help_text="Record decisions and discussion. Never name a child or give details that "
        "could identify one.",
    )

    def layout_field(self, name):
        return Field.textarea(name)


class DecisionForm(GovukFormMixin, forms.Form):
    submit_label = "Add decision"

    text = forms.CharField(
        label="Decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        error_messages={"required": "Enter the decision"},
    )

    def layout_field(self, name):
        return Field.textarea(name)


class BoardActionForm(GovukFormMixin, forms.ModelForm):
    submit_label = "Add to the action log"

    due_date = DateInputField(label="Due date", required=False, require_all_fields=False)

    class Meta:
        model = BoardAction
        fields = ["text", "owner", "due_date"]
        labels = {"text": "Action", "owner": "Who will do it"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "text": {"required": "Enter the action"},
            "owner": {"required": "Enter who will do it"},
        }

    def layout_field(self, name):
        if name == "text":
            return Field.textarea(name)
        if name == "due_date":
            return Field(name, legend_size=Size.SMALL)
        return Field.text(name, field_width=Fluid.TWO_THIRDS)


ALLOWED_PAPER_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
}


class AgendaItemForm(GovukFormMixin, forms.Form):
    submit_label = "Add to the agenda"

    title = forms.CharField(
        max_length=300, label="Agenda item", error_messages={"required": "Enter the agenda item"}
    )
    document = forms.FileField(
        label="Paper (optional)",
        required=False,
        help_text="A PDF, Word (.docx) or OpenDocument (.odt) file, up to 10 MB. Papers hold aggregate "
        "figures only: never upload a document about an individual child.",
    )

    def clean_document(self):
        document = self.cleaned_data.get("document")
        if not document:
            return document
        suffix = "." + document.name.rsplit(".", 1)[-1].lower() if "." in document.name else ""
        if suffix not in ALLOWED_PAPER_TYPES:
            raise forms.ValidationError("The paper must be a PDF, Word (.docx) or OpenDocument (.odt) file")
        if document.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The paper must be smaller than 10 MB")
        head = document.read(5)
        document.seek(0)
        if suffix == ".pdf" and head != b"%PDF-" or suffix != ".pdf" and not head.startswith(b"PK"):
            raise forms.ValidationError("The file's contents do not match its type: upload the paper again")
        return document


class ApologiesForm(GovukFormMixin, forms.Form):
    submit_label = "Send apologies"

    deputy = forms.CharField(
        label="Deputy (optional)",
        max_length=200,
        required=False,
        help_text="The name and role of the person who will attend in your place, if anyone.",
    )
