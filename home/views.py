import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token

from board.selectors import (
    board_member_organisation,
    latest_published_report,
    next_meeting,
    open_actions_owned_by,
    report_due,
)
from caching.fragments import page_part_render
from communications.models import CorporateParentGuidance
from communications.selectors import feedback_not_acted_on, latest_published_newsletter
from indicators.forms import BatchVerifyForm
from indicators.worklists import (
    chasing_by_organisation,
    contributor_worklist,
    open_reopen_requests,
    verification_queue,
)
from objectives.models import Objective, Strategy
from portal import two_factor
from portal.roles import Role
from portal.services import email_choices_for

from .selectors import officer_attention, organisation_work

logger = logging.getLogger(__name__)


def home(request):
    """Each person's starting page: what their roles need first."""
    content = page_part_render(
        request, template="home/home_content.html", context=lambda: home_context(request.user)
    )
    return render(request, "home/home.html", {"content": content})


def home_context(user) -> dict:
    strategy = Strategy.objects.current()
    context = {"strategy": strategy, "roles": user.role_names}
    if strategy is None:
        return context
    today = timezone.localdate()
    if user.has_perm("objectives.manage_strategy"):
        context["attention"] = officer_attention(strategy)
    if user.has_perm("indicators.verify_figure"):
        context["worklist"] = {
            "queue": verification_queue(strategy),
            "chasing": chasing_by_organisation(strategy, user=user, today=today),
            "reopen_requests": open_reopen_requests(strategy),
            "feedback": feedback_not_acted_on() if user.has_perm("communications.change_feedback") else [],
            "next_meeting": next_meeting(strategy, today=today),
            "report_due": report_due(strategy, today=today),
        }
        context["verify_form"] = BatchVerifyForm(queue=context["worklist"]["queue"])
    if user.has_role(Role.CONTRIBUTOR) and user.organisation_id:
        context["organisation"] = user.organisation
        context |= organisation_work(strategy, user.organisation)
        context["work_items"] = contributor_worklist(strategy, user.organisation, user=user, today=today)
    if user.has_role(Role.BOARD_MEMBER):
        organisation = board_member_organisation(user, strategy)
        context["board_home"] = {
            "latest_report": latest_published_report(strategy),
            "next_meeting": next_meeting(strategy, today=today),
            "organisation": organisation,
            "open_actions": open_actions_owned_by(organisation),
        }
    if user.has_role(Role.ELECTED_MEMBER):
        context["latest_newsletter"] = latest_published_newsletter()
        context["is_councillor"] = True
    context["can_edit_guidance"] = user.has_perm("communications.change_corporateparentguidance")
    if context.get("is_councillor") or context["can_edit_guidance"]:
        context["guidance"] = CorporateParentGuidance.objects.first()
    if user.has_perm("objectives.view_strategy"):
        context["objectives"] = list(Objective.objects.filter(strategy=strategy).with_progress())
        context["duties"] = list(strategy.duties.all())
    return context


def account(request):
    context = {
        "two_factor_on": two_factor.confirmed_device(request.user) is not None,
        "two_factor_required": two_factor.is_required_for(request.user),
    }
    context["emails"] = email_choices_for(request.user)
    return render(request, "home/account.html", context)


@login_not_required
def accessibility_statement(request):
    return render(request, "home/accessibility.html")


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
    from celery import current_app as app

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
    from celery import current_app as app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)


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
