"""The service navigation each person sees, built from what their roles allow."""

from dataclasses import dataclass
from functools import cache

from django.urls import reverse


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url: str
    section: str


@cache
def url_of(name: str) -> str:
    """The sections' addresses never change while the portal runs: each is worked out once."""
    return reverse(name)


def navigation_for(user, current_section: str | None) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = [NavigationItem("Home", url_of("home"), "home")]
    if user.has_perm("objectives.view_strategy"):
        items.append(NavigationItem("Strategy", url_of("objectives:overview"), "strategy"))
    if user.has_perm("indicators.view_performanceindicator"):
        items.append(NavigationItem("Indicators", url_of("indicators:list"), "indicators"))
    if user.has_perm("board.view_boardseat"):
        items.append(NavigationItem("Board", url_of("board:overview"), "board"))
    if user.has_perm("communications.view_newsletter"):
        items.append(NavigationItem("Newsletter", url_of("communications:newsletters"), "newsletter"))
    if user.has_perm("communications.change_feedback"):
        items.append(NavigationItem("Feedback", url_of("communications:feedback_list"), "feedback"))
    if user.has_perm("audit.view_auditentry"):
        items.append(NavigationItem("Audit log", url_of("audit:log"), "audit"))
    if user.has_perm("api.view_apitoken"):
        items.append(NavigationItem("API tokens", url_of("api_tokens:list"), "api_tokens"))
    if user.is_staff:
        items.append(NavigationItem("Admin", url_of("admin:index"), "admin"))
    items.append(NavigationItem("Your account", url_of("account"), "account"))
    return [{"item": item, "current": item.section == current_section} for item in items]
