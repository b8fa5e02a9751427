from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import render

from .forms import AuditFilterForm
from .models import AuditEntry

ENTRIES_PER_PAGE = 50


@permission_required("audit.view_auditentry", raise_exception=True)
def audit_log(request):
    object_types = list(
        AuditEntry.objects.exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
    form = AuditFilterForm(request.GET or None, object_types=object_types)
    entries = AuditEntry.objects.all()
    if form.is_bound and form.is_valid():
        entries = entries.matching(**form.cleaned_data)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )
