import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.addresses import client_address
from core.forms import posted_data
from core.pagination import paginate
from core.versions import EditConflict
from portal.roles import Role

from .forms import (
    FeedbackForm,
    FeedbackReviewForm,
    GuidanceForm,
    NewsletterForm,
    PublishConfirmForm,
    PublishForm,
    YoungPeoplePageForm,
)
from .models import CorporateParentGuidance, Feedback, Newsletter, YoungPeoplePage
from .next_meeting import newsletter_next_meeting
from .selectors import figures_note, newsletter_figures, public_figures
from .services import (
    EarlierIssueUnpublished,
    GuidanceConflict,
    earlier_unpublished_issues,
    feedback_count_sent,
    feedback_rate_limited,
    feedback_receive,
    feedback_review,
    guidance_save,
    newsletter_emails_waiting_for_queue,
    newsletter_publish,
    newsletter_recipients,
    newsletter_subscription_set,
    newsletter_unschedule,
)

MANAGE_NEWSLETTERS = "communications.change_newsletter"
MANAGE_FEEDBACK = "communications.change_feedback"
TOO_MUCH_FEEDBACK = (
    "You have sent us a lot of messages in a short time. Wait an hour and try again, "
    "or ask an adult you trust to contact us for you."
)


def newsletter_for_user_or_404(user, **lookup) -> Newsletter:
    """Officers open drafts; everyone else only published issues (a draft is not found)."""
    return get_object_or_404(Newsletter.objects.visible_to(user), **lookup)


def issue_context(newsletter: Newsletter) -> dict:
    figures = newsletter_figures(newsletter)
    return {
        "newsletter": newsletter,
        "figures": figures,
        "figures_note": figures_note(figures),
        "next_meeting": newsletter_next_meeting(newsletter),
    }


@permission_required("communications.view_newsletter", raise_exception=True)
def newsletters(request):
    issues = Newsletter.objects.visible_to(request.user).latest_first()
    pagination = paginate(request, issues, label="Pages of the newsletters")
    by_year = {}
    for issue in pagination.items:
        by_year.setdefault(issue.month.year, []).append(issue)
    return render(
        request,
        "communications/newsletters.html",
        {"by_year": by_year, "pagination": pagination, "manage": request.user.has_perm(MANAGE_NEWSLETTERS)},
    )


@permission_required("communications.view_newsletter", raise_exception=True)
def newsletter_detail(request, year: int, month: int):
    try:
        first_day = datetime.date(year, month, 1)
    except ValueError:
        raise Http404("No such month") from None
    newsletter = newsletter_for_user_or_404(request.user, month=first_day)
    context = issue_context(newsletter)
    if request.user.has_perm(MANAGE_NEWSLETTERS) and not newsletter.is_published:
        context["publish_form"] = PublishForm()
    return render(request, "communications/newsletter.html", context)


@permission_required(MANAGE_NEWSLETTERS, raise_exception=True)
def newsletter_edit(request, pk: int | None = None):
    newsletter = get_object_or_404(Newsletter, pk=pk) if pk else None
    if newsletter and newsletter.is_published:
        messages.success(request, "A published newsletter can no longer be changed.")
        return redirect(newsletter)
    form = NewsletterForm(posted_data(request), instance=newsletter)
    if request.method == "POST" and form.is_valid():
        try:
            newsletter = form.save()
        except EditConflict as conflict:
            form.show_conflict(conflict.current)
        else:
            return redirect(newsletter)
    return render(request, "communications/newsletter_form.html", {"form": form, "newsletter": newsletter})


def publish_confirmation(request, newsletter: Newsletter, form: PublishForm, confirm: PublishConfirmForm):
    return render(
        request,
        "communications/newsletter_publish_confirm.html",
        {
            "newsletter": newsletter,
            "publish_form": form,
            "confirm_form": confirm,
            "publish_at": form.publish_at,
            "recipients": newsletter_recipients().count(),
            "chosen": {name: request.POST.get(name, "") for name in ("when", "date_0", "date_1", "date_2")},
        },
    )


def confirm_form_for(newsletter: Newsletter, data=None) -> PublishConfirmForm:
    return PublishConfirmForm(
        data,
        earlier=earlier_unpublished_issues(newsletter=newsletter),
        recipients=newsletter_recipients().count(),
    )


@require_POST
@permission_required(MANAGE_NEWSLETTERS, raise_exception=True)
def newsletter_publish_confirm(request, pk: int):
    """The one check before publishing: how many councillors will be emailed, and any earlier
    month still unpublished."""
    newsletter = get_object_or_404(Newsletter, pk=pk)
    if newsletter.is_published:
        messages.success(request, "This newsletter has already been published")
        return redirect(newsletter)
    form = PublishForm(request.POST)
    if not form.is_valid():
        context = issue_context(newsletter) | {"publish_form": form}
        return render(request, "communications/newsletter.html", context)
    return publish_confirmation(request, newsletter, form, confirm_form_for(newsletter))


@require_POST
@permission_required(MANAGE_NEWSLETTERS, raise_exception=True)
def newsletter_publish_request(request, pk: int):
    newsletter = get_object_or_404(Newsletter, pk=pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        context = issue_context(newsletter) | {"publish_form": form}
        return render(request, "communications/newsletter.html", context)
    confirm = confirm_form_for(newsletter, request.POST)
    confirm.is_valid()
    try:
        newsletter = newsletter_publish(
            newsletter=newsletter,
            publish_at=form.publish_at,
            skip_earlier=confirm.cleaned_data.get("skip_earlier", False),
        )
    except ValidationError as error:
        messages.success(request, " ".join(error.messages))
        return redirect(newsletter)
    except EarlierIssueUnpublished as refusal:
        confirm.earlier = refusal.earlier
        confirm.refuse_earlier()
        return publish_confirmation(request, newsletter, form, confirm)
    if newsletter.is_published and newsletter_emails_waiting_for_queue(newsletter=newsletter):
        messages.success(
            request,
            f"The newsletter for {newsletter.title} is published. Its emails are queued and will go "
            "when the mail service is back.",
        )
    elif newsletter.is_published:
        messages.success(request, f"The newsletter for {newsletter.title} is published and being emailed.")
    else:
        messages.success(
            request,
            f"The newsletter for {newsletter.title} will be published on {newsletter.publish_at:%-d %B %Y}.",
        )
    return redirect(newsletter)


@require_POST
@permission_required(MANAGE_NEWSLETTERS, raise_exception=True)
def newsletter_unschedule_request(request, pk: int):
    newsletter = get_object_or_404(Newsletter, pk=pk)
    try:
        newsletter_unschedule(newsletter=newsletter)
        messages.success(request, f"The newsletter for {newsletter.title} is a draft again.")
    except ValidationError as error:
        messages.success(request, " ".join(error.messages))
    return redirect(newsletter)


@require_POST
def newsletter_subscription(request):
    """An elected member turns the newsletter email off or on, from their account page."""
    if not request.user.has_role(Role.ELECTED_MEMBER):
        raise Http404("Only elected members get the newsletter email")
    subscribed = request.POST.get("subscribed") == "yes"
    newsletter_subscription_set(member=request.user, subscribed=subscribed)
    messages.success(
        request,
        "You will get an email when a new newsletter is published."
        if subscribed
        else "You will no longer get newsletter emails. You can still read every issue in the portal.",
    )
    return redirect("account")


def young_people_page() -> YoungPeoplePage | None:
    return YoungPeoplePage.objects.prefetch_related("indicators").first()


@login_not_required
def young_people(request):
    page = young_people_page()
    figures = public_figures(page.indicators.all()) if page else []
    return render(
        request,
        "communications/young_people.html",
        {
            "page": page,
            "figures": figures,
            "figures_note": figures_note(figures),
            "manage": request.user.has_perm("communications.change_youngpeoplepage"),
        },
    )


@permission_required("communications.change_youngpeoplepage", raise_exception=True)
def young_people_edit(request):
    form = YoungPeoplePageForm(posted_data(request), instance=young_people_page())
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except EditConflict as conflict:
            form.show_conflict(conflict.current)
        else:
            messages.success(request, "The young people's pages have been saved.")
            return redirect("communications:young_people")
    return render(request, "communications/young_people_form.html", {"form": form})


@login_not_required
def feedback(request):
    form = FeedbackForm(posted_data(request))
    if request.method == "POST":
        address = client_address(request)
        if feedback_rate_limited(address=address):
            form.is_valid()
            form.add_error(None, TOO_MUCH_FEEDBACK)
        elif form.is_from_a_robot:
            feedback_count_sent(address=address)
            return redirect("communications:feedback_sent")
        elif form.is_valid() and not feedback_count_sent(address=address):
            form.add_error(None, TOO_MUCH_FEEDBACK)
        elif form.is_valid():
            data = form.cleaned_data
            feedback_receive(
                sender=data["sender"],
                topic=data["topic"],
                message=data["message"],
                contact_consent=data["contact_consent"],
                reply_email=data["reply_email"],
                reply_phone=data["reply_phone"],
            )
            return redirect("communications:feedback_sent")
    return render(request, "communications/feedback_form.html", {"form": form})


@login_not_required
def feedback_sent(request):
    return render(request, "communications/feedback_sent.html")


@permission_required(MANAGE_FEEDBACK, raise_exception=True)
def feedback_list(request):
    received = Feedback.objects.prefetch_related("tags").order_by("-received_at", "-pk")
    shown = request.GET.get("show", "")
    if shown == "to-act-on":
        received = received.filter(acted_on=False)
    pagination = paginate(request, received, label="Pages of the feedback")
    return render(
        request,
        "communications/feedback_list.html",
        {"received": pagination.items, "pagination": pagination, "shown": shown},
    )


@permission_required(MANAGE_FEEDBACK, raise_exception=True)
def feedback_review_page(request, pk: int):
    item = get_object_or_404(Feedback.objects.prefetch_related("tags"), pk=pk)
    initial = {
        "tags": ", ".join(tag.name for tag in item.tags.all()),
        "acted_on": item.acted_on,
        "acted_on_note": item.acted_on_note,
        "counts_as_consultation": item.counts_as_consultation,
    }
    form = FeedbackReviewForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        feedback_review(
            feedback=item,
            tags=form.cleaned_data["tags"],
            acted_on=form.cleaned_data["acted_on"],
            note=form.cleaned_data["acted_on_note"],
            counts_as_consultation=form.cleaned_data["counts_as_consultation"],
        )
        messages.success(request, "The feedback has been saved.")
        return redirect("communications:feedback_list")
    return render(request, "communications/feedback_review.html", {"item": item, "form": form})


@permission_required("communications.change_corporateparentguidance", raise_exception=True)
def guidance_edit(request):
    guidance = CorporateParentGuidance.objects.first()
    initial = {"text": guidance.text, "version": guidance.version} if guidance else {}
    form = GuidanceForm(posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            guidance_save(
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
        except GuidanceConflict:
            form.add_error(
                None,
                "Someone else saved this text while you were editing it. Copy your changes, "
                "reload the page and make them again.",
            )
        else:
            messages.success(request, "The councillors' guidance has been saved.")
            return redirect("home")
    return render(request, "communications/guidance_form.html", {"form": form})
