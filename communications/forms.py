import datetime
import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size, Submit
from django import forms
from django.utils import timezone

from core.forms import GovukFormMixin, VersionedFormMixin
from indicators.models import PerformanceIndicator

from .models import Feedback, Newsletter, YoungPeoplePage

MAX_HEADLINE_FIGURES = 4
MESSAGE_MAX_LENGTH = 2000
# A scheduled issue goes out at this time on the chosen day.
SCHEDULED_HOUR = 9


def month_choices(today: datetime.date, taken: set[datetime.date]) -> list[tuple[str, str]]:
    """This month, the two before and the three after, leaving out months that have an issue."""
    first = today.replace(day=1)
    months = []
    for offset in range(-2, 4):
        year, month = divmod(first.month - 1 + offset, 12)
        start = datetime.date(first.year + year, month + 1, 1)
        if start not in taken:
            months.append((start.isoformat(), f"{start:%B %Y}"))
    return months


def current_indicators():
    return PerformanceIndicator.objects.filter(objective__strategy__is_current=True).select_related(
        "objective"
    )


class IndicatorChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, indicator):
        return f"{indicator.reference} {indicator.title}"


class NewsletterForm(VersionedFormMixin, GovukFormMixin, forms.ModelForm):
    submit_label = "Save and preview"

    month = forms.ChoiceField(
        label="Month", error_messages={"required": "Select the month this issue is for"}
    )
    headline_indicators = IndicatorChoiceField(
        queryset=PerformanceIndicator.objects.none(),
        required=False,
        label="Headline figures",
        help_text=f"Choose up to {MAX_HEADLINE_FIGURES}. Readers see each one's latest verified figure, "
        "with small numbers hidden.",
    )

    class Meta:
        model = Newsletter
        fields = [
            "month",
            "summary",
            "headline",
            "stories",
            "next_board_meeting",
            "training",
            "headline_indicators",
        ]
        widgets = {
            "headline": forms.Textarea(attrs={"rows": 4}),
            "stories": forms.Textarea(attrs={"rows": 6}),
            "next_board_meeting": forms.Textarea(attrs={"rows": 2}),
            "training": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"next_board_meeting": "A note about the next Board meeting (optional)"}
        help_texts = {
            "next_board_meeting": "The issue shows the next scheduled meeting's date, time and venue "
            "from the Board's meetings. Add anything else councillors should know, such as a theme."
        }
        error_messages = {
            "summary": {
                "required": "Enter a short summary for the email",
                "max_length": "The summary must be 300 characters or fewer",
            },
            "headline": {"required": "Enter the headline message"},
        }

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["headline_indicators"].queryset = current_indicators()
        if self.instance.pk:
            del self.fields["month"]
            self.helper.layout = Layout(
                *[self.layout_field(name) for name in self.fields], Submit("submit", self.submit_label)
            )
        else:
            taken = set(Newsletter.objects.values_list("month", flat=True))
            self.fields["month"].choices = month_choices(today or timezone.localdate(), taken)

    def layout_field(self, name):
        if name == "month":
            return Field.select(name)
        if name == "headline_indicators":
            return Field.checkboxes(name, legend_size=Size.SMALL, small=True)
        return Field.textarea(name, label_size=Size.SMALL)

    def clean_month(self):
        return datetime.date.fromisoformat(self.cleaned_data["month"])

    def clean_headline_indicators(self):
        chosen = self.cleaned_data["headline_indicators"]
        if len(chosen) > MAX_HEADLINE_FIGURES:
            raise forms.ValidationError(f"Choose {MAX_HEADLINE_FIGURES} headline figures or fewer")
        return chosen


class PublishForm(GovukFormMixin, forms.Form):
    submit_label = "Publish"

    when = forms.ChoiceField(
        label="When should members get it?",
        choices=[("now", "Now"), ("later", "On a later day")],
        widget=forms.RadioSelect,
        initial="now",
        error_messages={"required": "Select when to publish the newsletter"},
    )
    date = DateInputField(
        label="Day to publish",
        help_text=f"It goes out at {SCHEDULED_HOUR}am that day. For example, 1 12 2026",
        required=False,
        require_all_fields=False,
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def layout_field(self, name):
        if name == "when":
            return Field.radios(name, legend_size=Size.SMALL, inline=True)
        return Field(name, legend_size=Size.SMALL)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("when") == "later":
            date = cleaned.get("date")
            if not date and "date" not in self.errors:
                self.add_error("date", "Enter the day to publish the newsletter")
            elif date and date <= self.today:
                self.add_error("date", "The day to publish must be in the future, or choose Now")
        return cleaned

    @property
    def publish_at(self) -> datetime.datetime | None:
        if self.cleaned_data["when"] != "later":
            return None
        return timezone.make_aware(
            datetime.datetime.combine(self.cleaned_data["date"], datetime.time(SCHEDULED_HOUR))
        )


class PublishConfirmForm(GovukFormMixin, forms.Form):
    """The one confirmation before an issue goes out; it can skip an earlier month left unpublished."""

    skip_earlier = forms.BooleanField(required=False)

    def __init__(self, *args, earlier: list[Newsletter], recipients: int, **kwargs):
        self.earlier = earlier
        self.submit_label = f"Publish and email {recipients} councillor{'' if recipients == 1 else 's'}"
        super().__init__(*args, **kwargs)
        months = " and ".join(issue.title for issue in earlier)
        if earlier:
            self.fields["skip_earlier"].label = f"Skip {months}: publish this issue before it"
        else:
            del self.fields["skip_earlier"]
            self.helper.layout = Layout(Submit("submit", self.submit_label))

    def layout_field(self, name):
        if name == "skip_earlier":
            return Field.checkbox(name)
        return Field(name)

    def refuse_earlier(self):
        months = " and ".join(issue.title for issue in self.earlier)
        issue_word = "issue" if len(self.earlier) == 1 else "issues"
        self.add_error(
            "skip_earlier" if "skip_earlier" in self.fields else None,
            f"The {issue_word} for {months} {'is' if len(self.earlier) == 1 else 'are'} not published yet. "
            f"Publish {'it' if len(self.earlier) == 1 else 'them'} first, or tick the box to skip "
            f"{'that month' if len(self.earlier) == 1 else 'those months'}",
        )


class YoungPeoplePageForm(VersionedFormMixin, GovukFormMixin, forms.ModelForm):
    submit_label = "Save the young people's pages"

    indicators = IndicatorChoiceField(
        queryset=PerformanceIndicator.objects.none(),
        required=False,
        label="Figures on how it is going",
        help_text="Young people see each one's latest verified figure, with small numbers hidden.",
    )

    class Meta:
        model = YoungPeoplePage
        fields = [
            "introduction",
            "aims",
            "pledge",
            "pledge_is_demo",
            "done_so_far",
            "help_and_advocacy",
            "indicators",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 6})
            for name in ["introduction", "aims", "pledge", "done_so_far", "help_and_advocacy"]
        }
        error_messages = {
            "introduction": {"required": "Enter the introduction"},
            "aims": {"required": "Enter what we are aiming for"},
            "pledge": {"required": "Enter the pledge"},
            "done_so_far": {"required": "Enter what has been done so far"},
            "help_and_advocacy": {"required": "Enter how to get help and have a say"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = current_indicators()

    def layout_field(self, name):
        if name == "pledge_is_demo":
            return Field.checkbox(name)
        if name == "indicators":
            return Field.checkboxes(name, legend_size=Size.SMALL, small=True)
        return Field.textarea(name, label_size=Size.SMALL)


PHONE = re.compile(r"^\+?[\d\s()-]{10,20}$")


class FeedbackForm(GovukFormMixin, forms.Form):
    """What young people, care leavers and carers tell us. Anonymous unless they ask for a reply."""

    submit_label = "Send"
    autocomplete = {"reply_email": "email", "reply_phone": "tel"}

    sender = forms.ChoiceField(
        label="Who are you?",
        choices=Feedback.Sender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are"},
    )
    topic = forms.ChoiceField(
        label="What is it about?",
        choices=Feedback.Topic.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what it is about"},
    )
    message = forms.CharField(
        label="What do you want to tell us?",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MESSAGE_MAX_LENGTH,
        help_text="Please do not include your name or anyone else's.",
        error_messages={
            "required": "Enter what you want to tell us",
            "max_length": f"Your message must be {MESSAGE_MAX_LENGTH} characters or fewer",
        },
    )
    contact_consent = forms.BooleanField(
        label="I would like a reply, and I agree you can contact me using the details below",
        required=False,
    )
    reply_email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    reply_phone = forms.CharField(
        label="Phone number (optional)",
        required=False,
        max_length=30,
        help_text="For example, 07700 900 982",
    )
    # Hidden from people and screen readers; only automated senders fill it in.
    website = forms.CharField(required=False, label="Leave this empty")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.helper.layout = Layout(
            *[self.layout_field(name) for name in ("sender", "topic", "message")],
            Fieldset(
                HTML(
                    '<p class="govuk-hint">You do not have to. If you leave the box unticked, '
                    "nobody will know who sent this.</p>"
                ),
                *[self.layout_field(name) for name in ("contact_consent", "reply_email", "reply_phone")],
                legend="Would you like a reply?",
                legend_size=Size.SMALL,
            ),
            HTML('<div hidden><label for="id_website">Leave this empty</label>{{ form.website }}</div>'),
            Submit("submit", self.submit_label),
        )

    def layout_field(self, name):
        if name in ("sender", "topic"):
            return Field.radios(name, legend_size=Size.SMALL)
        if name == "message":
            return Field.textarea(name, label_size=Size.SMALL, max_characters=MESSAGE_MAX_LENGTH)
        if name == "contact_consent":
            return Field.checkbox(name)
        return Field.text(name, field_width=Fluid.TWO_THIRDS)

    def clean_reply_phone(self):
        phone = self.cleaned_data["reply_phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError("Enter a phone number, like 07700 900 982 or +44 7700 900 982")
        return phone

    def clean(self):
        cleaned = super().clean()
        has_contact = cleaned.get("reply_email") or cleaned.get("reply_phone")
        if cleaned.get("contact_consent") and not has_contact and not self.errors:
            self.add_error("reply_email", "Enter an email address or phone number, or untick the box")
        if has_contact and not cleaned.get("contact_consent"):
            self.add_error(
                "contact_consent",
                "Tick the box if you would like a reply, or remove your email address and phone number",
            )
        return cleaned

    @property
    def is_from_a_robot(self) -> bool:
        return bool(self.data.get("website"))


class FeedbackReviewForm(GovukFormMixin, forms.Form):
    submit_label = "Save"

    tags = forms.CharField(
        required=False,
        max_length=300,
        help_text="Separate tags with commas, for example: placements, education",
    )
    counts_as_consultation = forms.BooleanField(
        label="Count it as a young person taking part in consultation",
        help_text="Only for a real view from a young person in care or a care leaver.",
        required=False,
    )
    acted_on = forms.BooleanField(label="We have acted on this", required=False)
    acted_on_note = forms.CharField(
        label="What we did (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def layout_field(self, name):
        if name in ("acted_on", "counts_as_consultation"):
            return Field.checkbox(name)
        if name == "acted_on_note":
            return Field.textarea(name, label_size=Size.SMALL)
        return Field.text(name, field_width=Fluid.TWO_THIRDS)

    def clean_tags(self):
        names = [name.strip().lower() for name in self.cleaned_data["tags"].split(",")]
        tags = sorted({name for name in names if name})
        if any(len(name) > 60 for name in tags):
            raise forms.ValidationError("Each tag must be 60 characters or fewer")
        return tags


class GuidanceForm(GovukFormMixin, forms.Form):
    submit_label = "Save"

    text = forms.CharField(
        label="What you can do as a corporate parent",
        help_text="Councillors see this on their home page. Blank lines start new paragraphs; "
        'lines starting "- " make a list.',
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=5000,
        error_messages={"required": "Enter what a councillor can do as a corporate parent"},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def layout_field(self, name):
        if name == "text":
            return Field.textarea("text")
        return Field(name)
