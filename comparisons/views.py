from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string

from core.forms import posted_data, posted_files
from objectives.models import Strategy

from .forms import DefinitionForm, ImportConfirmForm, MeasureForm, PublishedFileUploadForm
from .layouts import PublishedFileError
from .models import PublishedFile, PublishedMeasure, StatisticalNeighbour, YearReplacement
from .report_card import report_card
from .selectors import Council
from .services import (
    definition_version_add,
    import_plan,
    measure_create,
    neighbour_groups,
    neighbours_import,
    published_file_import,
    published_file_upload,
    published_table,
)

MANAGE = "comparisons.add_publishedfile"


@permission_required(MANAGE, raise_exception=True)
def published_files(request):
    return render(
        request,
        "comparisons/files.html",
        {
            "files": PublishedFile.objects.defer("content").select_related("uploaded_by"),
            "measures": PublishedMeasure.objects.select_related(
                "catalogue_entry", "indicator__objective"
            ).prefetch_related("definitions"),
            "replacements": YearReplacement.objects.select_related(
                "measure", "replaced_file", "replacing_file"
            )[:20],
            "neighbour_count": StatisticalNeighbour.objects.values("la_code").distinct().count(),
            "council": Council.from_settings(),
        },
    )


@permission_required(MANAGE, raise_exception=True)
def upload(request):
    form = PublishedFileUploadForm(posted_data(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        content = uploaded.read(settings.PUBLISHED_FILE_MAX_BYTES + 1)
        try:
            published_file = published_file_upload(name=uploaded.name, content=content, user=request.user)
        except PublishedFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("comparisons:file", pk=published_file.pk)
    return render(request, "comparisons/upload.html", {"form": form})


@permission_required(MANAGE, raise_exception=True)
def published_file(request, pk: int):
    published = get_object_or_404(PublishedFile, pk=pk)
    form = ImportConfirmForm(posted_data(request))
    if published.kind == PublishedFile.Kind.NEIGHBOURS:
        return _neighbours_file(request, published, form)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            result = published_file_import(published_file=published)
        except PublishedFileError as problem:
            error = str(problem)
        else:
            if result.changed_anything:
                messages.success(
                    request,
                    f"Imported {published.filename}: {len(result.years_added)} new years of figures, "
                    f"{len(result.years_replaced)} replaced, {len(result.years_unchanged)} unchanged.",
                )
            else:
                messages.success(request, f"Every figure in {published.filename} was already imported.")
            return redirect("comparisons:files")
    table = published_table(published)
    plan = import_plan(published)
    return render(
        request,
        "comparisons/file.html",
        {
            "published": published,
            "table": table,
            "breakdowns": [(column, table.distinct(column)) for column in table.breakdown_columns],
            "plan": plan,
            "error": error,
            "form": form,
        },
    )


def _neighbours_file(request, published: PublishedFile, form):
    error = None
    try:
        groups = neighbour_groups(published)
    except PublishedFileError as problem:
        groups, error = [], str(problem)
    if request.method == "POST" and form.is_valid() and not error:
        count = neighbours_import(published_file=published)
        messages.success(request, f"Imported the statistical neighbours of {count} authorities.")
        return redirect("comparisons:files")
    council = Council.from_settings()
    names = {group.la_code: group.la_name for group in groups}
    mine = next((group for group in groups if group.la_code == council.la_code), None)
    neighbours = [(names.get(code, code), closeness) for code, closeness in mine.neighbours] if mine else []
    return render(
        request,
        "comparisons/neighbours_file.html",
        {
            "published": published,
            "groups": groups,
            "mine": mine,
            "neighbours": neighbours,
            "error": error,
            "form": form,
        },
    )


@permission_required(MANAGE, raise_exception=True)
def measure_new(request, pk: int):
    published = get_object_or_404(PublishedFile, pk=pk, kind=PublishedFile.Kind.STATISTICS)
    table = published_table(published)
    form = MeasureForm(posted_data(request), table=table, strategy=Strategy.objects.current())
    if request.method == "POST" and form.is_valid():
        try:
            measure = measure_create(published_file=published, **form.mapping)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, f"Saved the mapping for {measure.title}. Files in this layout will use it."
            )
            return redirect("comparisons:file", pk=published.pk)
    return render(request, "comparisons/measure_form.html", {"published": published, "form": form})


@permission_required(MANAGE, raise_exception=True)
def definition_new(request, pk: int):
    measure = get_object_or_404(PublishedMeasure.objects.prefetch_related("definitions"), pk=pk)
    form = DefinitionForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            definition_version_add(measure=measure, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, problems in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, problems)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"Saved the definition of {measure.title}.")
            return redirect("comparisons:files")
    return render(request, "comparisons/definition_form.html", {"measure": measure, "form": form})


@permission_required("indicators.view_performanceindicator", raise_exception=True)
def report_card_page(request):
    return render(request, "comparisons/report_card.html", report_card())


@permission_required("indicators.view_performanceindicator", raise_exception=True)
def report_card_pdf(request):
    from weasyprint import HTML  # needs Pango; imported here so the rest of the portal runs without it

    context = report_card()
    html = render_to_string("comparisons/report_card_pdf.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    year = context["year_label"] or "latest"
    response["Content-Disposition"] = f'attachment; filename="report-card-{year}.pdf"'
    return response
