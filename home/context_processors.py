from django.conf import settings

from .navigation import navigation_for

SECTION_BY_NAMESPACE = {
    "objectives": "strategy",
    "indicators": "indicators",
    "board": "board",
    "api_tokens": "api_tokens",
}
SECTION_BY_URL_NAME = {"home": "home", "account": "account", "password_change": "account"}


COMMUNICATIONS_SECTION_BY_URL_NAME = {"feedback_list": "feedback", "feedback_review": "feedback"}


def current_section(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    if match.namespace == "communications":
        return COMMUNICATIONS_SECTION_BY_URL_NAME.get(match.url_name, "newsletter")
    return SECTION_BY_NAMESPACE.get(match.namespace) or SECTION_BY_URL_NAME.get(match.url_name)


def portal(request):
    user = getattr(request, "user", None)
    return {
        "council_name": settings.COUNCIL_NAME,
        "service_name": settings.SERVICE_NAME,
        "contact_email": settings.CONTACT_EMAIL,
        "navigation": navigation_for(user, current_section(request)) if user else [],
    }
