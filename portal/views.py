import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import requires_csrf_token

from audit.models import AuditEntry
from audit.recorder import record as audit_record
from communications.selectors import latest_published_newsletter
from communications.services import is_subscribed
from objectives.models import Objective, Strategy
from objectives.selectors import officer_attention, organisation_work

from . import two_factor
from .forms import ConfirmPasswordForm, TwoFactorCodeForm
from .roles import Role

logger = logging.getLogger(__name__)


@requires_csrf_token
def server_error(request):
    """The 500 page, with the portal's and council's names. It reads settings only: whatever
    failed (the database, perhaps) is not asked again."""
    context = {
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
        "contact_email": settings.CONTACT_EMAIL,
    }
    return HttpResponseServerError(loader.get_template("500.html").render(context))


def home(request):
    """Each person's starting page: what their roles need first."""
    user = request.user
    strategy = Strategy.objects.current()
    context = {"strategy": strategy, "roles": user.role_names}
    if strategy is None:
        return render(request, "portal/home.html", context)
    if user.has_perm("objectives.manage_strategy"):
        context["attention"] = officer_attention(strategy)
    if user.has_role(Role.CONTRIBUTOR) and user.organisation_id:
        context["organisation"] = user.organisation
        context |= organisation_work(strategy, user.organisation)
    if user.has_role(Role.ELECTED_MEMBER):
        context["latest_newsletter"] = latest_published_newsletter()
    if user.has_perm("objectives.view_strategy"):
        context["objectives"] = list(Objective.objects.filter(strategy=strategy).with_progress())
        context["duties"] = list(strategy.duties.all())
    return render(request, "portal/home.html", context)


def account(request):
    context = {
        "two_factor_on": two_factor.confirmed_device(request.user) is not None,
        "two_factor_required": two_factor.is_required_for(request.user),
    }
    if request.user.has_role(Role.ELECTED_MEMBER):
        context["newsletter_subscribed"] = is_subscribed(request.user)
    return render(request, "portal/account.html", context)


@login_not_required
def accessibility_statement(request):
    return render(request, "portal/accessibility.html")


@login_not_required
def health(request):
    """For load balancers and monitoring: can the portal reach its database, cache and broker?"""
    checks = {"database": _check_database, "cache": _check_cache}
    if settings.REDIS_URL:
        checks["broker"] = _check_broker
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception:  # noqa: BLE001  any failure means unhealthy; details stay in the logs
            logger.exception("Health check %s failed", name)
            results[name] = "failing"
    return _health_answer(results)


@login_not_required
def health_workers(request):
    """For monitoring: does at least one Celery worker answer? (Not for load balancers: web
    servers stay healthy while workers restart.)"""
    if not settings.REDIS_URL:
        return _health_answer({"workers": "in-process"})
    from .celery import app

    try:
        replies = app.control.ping(timeout=settings.HEALTH_WORKER_TIMEOUT_SECONDS, limit=1)
    except Exception:  # noqa: BLE001  the broker itself is down
        logger.exception("Health check of the workers failed")
        replies = []
    return _health_answer({"workers": "answering" if replies else "failing"})


def _health_answer(results: dict) -> JsonResponse:
    healthy = all(result != "failing" for result in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": results}, status=200 if healthy else 503
    )


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache():
    cache.set("health-check", "ok", timeout=10)
    if cache.get("health-check") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _check_broker():
    from .celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)


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
