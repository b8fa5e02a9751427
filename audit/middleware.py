from .context import acting_as, actor_for
from .models import AuditEntry
from .recorder import client_ip, record


class AuditMiddleware:
    """Names the signed-in person on everything recorded during a request, and records refusals."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(actor_for(getattr(request, "user", None), client_ip(request))):
            response = self.get_response(request)
            # Anonymous visitors are sent to sign in; their 403s (such as a stale form's CSRF
            # failure) are not recorded, so nobody can fill the log without an account.
            user = getattr(request, "user", None)
            if response.status_code == 403 and user is not None and user.is_authenticated:
                record(event=AuditEntry.Event.REFUSED, detail=f"{request.method} {request.path}"[:300])
        return response
