"""Profiles of need: the officer drafts and publishes them; everyone who reads figures reads them."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from core.forms import posted_data
from core.versions import EditConflict, read_version
from indicators.models import NeedProfile
from indicators.need_profiles import need_profile_publish, need_profile_save

from .forms import NeedProfileForm
from .need_profiles import need_profile_document, need_profile_for_user_or_404

READ = "indicators.view_performanceindicator"
WRITE = "indicators.change_needprofile"


@permission_required(READ, raise_exception=True)
def need_profiles(request):
    profiles = list(
        NeedProfile.objects.for_user(request.user)
        .select_related("group__dimension")
        .order_by("status", "-published_at", "title")
    )
    return render(
        request,
        "comparisons/need_profiles.html",
        {"profiles": profiles, "can_write": request.user.has_perm(WRITE)},
    )


@permission_required(READ, raise_exception=True)
def need_profile(request, pk: int):
    profile = need_profile_for_user_or_404(request.user, pk)
    return render(
        request,
        "comparisons/need_profile.html",
        {
            "document": need_profile_document(profile, user=request.user),
            "can_write": request.user.has_perm(WRITE),
        },
    )


@permission_required(READ, raise_exception=True)
def need_profile_pdf(request, pk: int):
    from weasyprint import HTML  # needs Pango; imported here so the rest of the portal runs without it

    profile = need_profile_for_user_or_404(request.user, pk)
    document = need_profile_document(profile, user=request.user)
    html = render_to_string("comparisons/need_profile_pdf.html", {"document": document}, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    return response


@permission_required(WRITE, raise_exception=True)
def need_profile_edit(request, pk: int | None = None):
    profile = get_object_or_404(NeedProfile, pk=pk) if pk else NeedProfile()
    form = NeedProfileForm(posted_data(request), instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            need_profile_save(profile=form.instance, expected_version=form.version_opened)
        except EditConflict as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            for name, field_messages in error.message_dict.items():
                form.add_error(name if name in form.fields else None, field_messages)
        else:
            messages.success(request, f"{form.instance.title} has been saved.")
            return redirect("comparisons:need_profile", pk=form.instance.pk)
    return render(request, "comparisons/need_profile_form.html", {"form": form, "profile": profile})


@require_POST
@permission_required(WRITE, raise_exception=True)
def need_profile_publish_view(request, pk: int):
    profile = get_object_or_404(NeedProfile, pk=pk)
    try:
        need_profile_publish(
            profile=profile, user=request.user, expected_version=read_version(request.POST.get("version"))
        )
    except EditConflict:
        messages.error(
            request, "Someone changed this profile since you opened it: read it again, then publish"
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{profile.title} has been published. The Board can read it now.")
    return redirect("comparisons:need_profile", pk=profile.pk)
