from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from core.forms import posted_data, posted_files
from objectives.models import Strategy

from .forms import (
    ConfirmForm,
    DefinitionForm,
    ImportConfirmForm,
    MeasureEditForm,
    MeasureForm,
    PackUploadForm,
    PublishedFileUploadForm,
)
from .layouts import PublishedFileError
from .mappings import (
    StaleMapping,
    imported_files,
    mapping_file,
    measure_delete,
    measure_restore,
    measure_retire,
    measure_update,
)
from .models import MappingChange, PublishedFile, PublishedMeasure, StatisticalNeighbour, YearReplacement
from .packs import mapping_pack_export, mapping_pack_load, read_pack, standard_pack_load
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
    measures = list(
        PublishedMeasure.objects.select_related("catalogue_entry", "indicator__objective").prefetch_related(
            "definitions"
        )
    )
    imported = imported_files(measures)
    for measure in measures:
        measure.imported_files = imported.get(measure.pk, [])
    return render(
        request,
        "comparisons/files.html",
        {
            "files": PublishedFile.objects.defer("content").select_related("uploaded_by"),
            "measures": measures,
            "changes": MappingChange.objects.select_related("changed_by")[:20],
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


def _form_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


@permission_required(MANAGE, raise_exception=True)
def measure_edit(request, pk: int):
    measure = get_object_or_404(PublishedMeasure, pk=pk)
    source = mapping_file(measure)
    if source is None:
        messages.error(
            request, f"Upload a {' or '.join(measure.file_kinds)} file before editing {measure.title}."
        )
        return redirect("comparisons:files")
    table = published_table(source)
    form = MeasureEditForm(
        posted_data(request), table=table, strategy=Strategy.objects.current(), measure=measure
    )
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping
        entry, indicator = mapping.pop("catalogue_entry"), mapping.pop("indicator")
        try:
            change = measure_update(
                measure=measure,
                version=form.cleaned_data["version"],
                user=request.user,
                catalogue_entry_id=entry.pk if entry else None,
                indicator_id=indicator.pk if indicator else None,
                **mapping,
            )
        except StaleMapping as error:
            form.add_error(None, error.messages)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                f"Saved the changes to {change.title} and re-derived its {change.values_rederived} figures.",
            )
            return redirect("comparisons:files")
    return render(
        request, "comparisons/measure_edit.html", {"measure": measure, "published": source, "form": form}
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def measure_retire_view(request, pk: int):
    measure = get_object_or_404(PublishedMeasure, pk=pk)
    try:
        if measure.is_retired:
            measure_restore(measure=measure, user=request.user)
            messages.success(request, f"Brought back {measure.title}: its figures show again.")
        else:
            measure_retire(measure=measure, user=request.user)
            messages.success(
                request,
                f"Retired {measure.title}: its figures no longer show on any page or report card. "
                "Frozen reports keep what they froze.",
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("comparisons:files")


@permission_required(MANAGE, raise_exception=True)
def measure_delete_view(request, pk: int):
    measure = get_object_or_404(PublishedMeasure, pk=pk)
    form = ConfirmForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        change = measure_delete(measure=measure, user=request.user)
        messages.success(request, f"Deleted {change.title} and its {change.values_rederived} figures.")
        return redirect("comparisons:files")
    figures = measure.values.count()
    return render(
        request, "comparisons/measure_delete.html", {"measure": measure, "form": form, "figures": figures}
    )


@permission_required(MANAGE, raise_exception=True)
def pack_export(request):
    pack = mapping_pack_export(PublishedMeasure.objects.active().select_related("catalogue_entry"))
    response = JsonResponse(pack, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = 'attachment; filename="published-statistics-mappings.json"'
    return response


@permission_required(MANAGE, raise_exception=True)
def pack_import(request):
    form = PackUploadForm(posted_data(request), posted_files(request))
    if request.method == "POST" and request.POST.get("standard"):
        added, already = standard_pack_load()
        messages.success(
            request, f"Loaded DfE's standard mappings: {len(added)} added, {already} the portal had already."
        )
        return redirect("comparisons:files")
    if request.method == "POST" and form.is_valid():
        try:
            added, already = mapping_pack_load(pack=read_pack(form.cleaned_data["pack"].read(1024 * 1024)))
        except ValidationError as error:
            form.add_error("pack", " ".join(error.messages))
        else:
            messages.success(
                request, f"Loaded the pack: {len(added)} mappings added, {already} already here."
            )
            return redirect("comparisons:files")
    return render(request, "comparisons/pack_import.html", {"form": form})


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
