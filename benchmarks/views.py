from django.http import HttpResponse

from objectives.models import Strategy


def minimal(request):
    """A signed-in page doing exactly one query: the floor every page's latency is compared with."""
    return HttpResponse(f"{Strategy.objects.count()} strategies", content_type="text/plain")
