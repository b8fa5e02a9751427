from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from audit.models import AuditEntry
from audit.recorder import record as audit_record

from . import two_factor
from .forms import ConfirmPasswordForm, TwoFactorCodeForm
from .services import email_preference_set, emails_for


def before_second_step(view):
    """Open to people who have given their password but not yet their code."""
    view.before_second_step = True
    return view


def _next_page(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


@before_second_step
def two_factor_setup(request):
    # Someone with an authenticator proves it before anything else: a password alone must
    # never be enough to set up a new one in its place.
    if two_factor.confirmed_device(request.user):
        return redirect("account" if request.user.is_verified() else "two_factor_verify")
    device = two_factor.device_being_set_up(request.user)
    form = TwoFactorCodeForm(request.POST or None, request=request, device=device)
    if form.is_valid():
        messages.success(
            request, "Two-factor sign-in is on. You will need a code from your app each time you sign in."
        )
        return redirect(_next_page(request))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_code": mark_safe(two_factor.qr_code_svg(device)),  # noqa: S308  generated from our own key
            "secret": two_factor.secret_for_typing(device),
            "next": _next_page(request),
            "required": two_factor.is_required_for(request.user),
        },
    )


@before_second_step
def two_factor_verify(request):
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    if request.user.is_verified():
        return redirect(_next_page(request))
    form = TwoFactorCodeForm(request.POST or None, request=request, device=device)
    if form.is_valid():
        return redirect(_next_page(request))
    if form.is_bound:
        audit_record(event=AuditEntry.Event.REFUSED, obj=request.user, detail="Two-factor code not accepted")
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_page(request)})


def two_factor_turn_off(request):
    """Optional two-factor sign-in goes off only with the person's password given again."""
    if two_factor.is_required_for(request.user):
        raise PermissionDenied
    if two_factor.confirmed_device(request.user) is None:
        return redirect("account")
    form = ConfirmPasswordForm(request.POST or None, user=request.user)
    if form.is_valid():
        two_factor.turn_off(request.user)
        audit_record(event=AuditEntry.Event.CHANGED, obj=request.user, detail="Two-factor sign-in turned off")
        messages.success(request, "Two-factor sign-in is off.")
        return redirect("account")
    if form.is_bound:
        audit_record(
            event=AuditEntry.Event.REFUSED,
            obj=request.user,
            detail="Turning two-factor sign-in off: wrong password",
        )
    return render(request, "registration/two_factor_turn_off.html", {"form": form})


def two_factor_replace(request):
    """A new authenticator app replaces the old one only with a code from the old one: a
    password alone must never be enough to put another app in its place."""
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    form = TwoFactorCodeForm(request.POST or None, request=request, device=device)
    if form.is_valid():
        two_factor.turn_off(request.user)
        audit_record(
            event=AuditEntry.Event.CHANGED,
            obj=request.user,
            detail="Authenticator app removed to be replaced",
        )
        messages.success(request, "Your old authenticator app no longer works. Set up the new one now.")
        return redirect("two_factor_setup")
    if form.is_bound:
        audit_record(
            event=AuditEntry.Event.REFUSED,
            obj=request.user,
            detail="Replacing the authenticator app: wrong code",
        )
    return render(request, "registration/two_factor_replace.html", {"form": form})


@require_POST
def email_setting(request):
    """A person turns one kind of email they receive off or on, from *Your account*."""
    kinds = {kind.value: kind for kind in emails_for(request.user)}
    kind = kinds.get(request.POST.get("kind", ""))
    if kind is None:
        messages.info(request, "Choose which email to turn on or off.")
        return redirect("account")
    wanted = request.POST.get("wanted") == "yes"
    email_preference_set(person=request.user, kind=kind, wanted=wanted)
    messages.success(request, f"{kind.label}: {'turned on' if wanted else 'turned off'}.")
    return redirect("account")
