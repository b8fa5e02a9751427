from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from core.pagination import paginate

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
    pagination = paginate(request, entries, ENTRIES_PER_PAGE, label="Pages of the audit log")
    return render(request, "audit/log.html", {"form": form, "pagination": pagination})
