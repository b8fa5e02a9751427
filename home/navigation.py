"""The service navigation each person sees, built from what their roles allow."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url: str
    section: str


def navigation_for(user, current_section: str | None) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = [NavigationItem("Home", reverse("home"), "home")]
    if user.has_perm("objectives.view_strategy"):
        items.append(NavigationItem("Strategy", reverse("objectives:overview"), "strategy"))
    if user.has_perm("indicators.view_performanceindicator"):
        items.append(NavigationItem("Indicators", reverse("indicators:list"), "indicators"))
    if user.has_perm("board.view_boardseat"):
        items.append(NavigationItem("Board", reverse("board:overview"), "board"))
    if user.has_perm("communications.view_newsletter"):
        items.append(NavigationItem("Newsletter", reverse("communications:newsletters"), "newsletter"))
    if user.has_perm("communications.change_feedback"):
        items.append(NavigationItem("Feedback", reverse("communications:feedback_list"), "feedback"))
    if user.has_perm("audit.view_auditentry"):
        items.append(NavigationItem("Audit log", reverse("audit:log"), "audit"))
    if user.has_perm("api.view_apitoken"):
        items.append(NavigationItem("API tokens", reverse("api_tokens:list"), "api_tokens"))
    if user.is_staff:
        items.append(NavigationItem("Admin", reverse("admin:index"), "admin"))
    items.append(NavigationItem("Your account", reverse("account"), "account"))
    return [{"item": item, "current": item.section == current_section} for item in items]
