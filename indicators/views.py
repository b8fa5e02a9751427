import datetime

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from caching.fragments import page_part_render
from core.forms import posted_data, posted_files
from core.pagination import paginate
from core.versions import EditConflict
from objectives.models import Organisation
from objectives.selectors import current_strategy_or_404
from portal.models import EmailKind
from portal.services import email_preference_set, emails_for

from .breakdown_tables import indicator_breakdowns
from .breakdowns import group_values_of, indicator_dimensions
from .charts import indicator_chart
from .checks import period_target, previous_figure
from .choices import RagStatus
from .figures import (
    BatchConflict,
    FigureConflict,
    can_enter_figures_for,
    figure_save,
    figure_transition,
    figures_verify,
    reopen_request_create,
    targets_set,
)
from .forms import (
    AdoptForm,
    BatchVerifyForm,
    ConfirmImportForm,
    FigureForm,
    ReopenRequestForm,
    SendBackForm,
    TargetsForm,
    UploadForm,
)
from .imports import (
    ImportFileError,
    as_csv,
    as_xlsx,
    commit_import,
    export_rows,
    import_request,
    preview_import,
    template_rows,
    upload_create,
    upload_mark_imported,
)
from .models import CatalogueEntry, Figure, FigureChange, FigureUpload, PerformanceIndicator
from .notifications import organisation_reminder_request
from .periods import Period, PeriodError, check_year
from .selectors import (
    PERFORMANCE_LABELS,
    TIMELINESS_LABELS,
    due_date,
    has_performance,
    has_timeliness,
    indicator_statuses,
    sees_exact_figures,
)
from .services import catalogue_adopt
from .states import state_views, states_data_as_at
from .worklists import verification_queue


def indicator_for_entry_or_404(user, pk: int) -> PerformanceIndicator:
    """The indicator, if this person may enter its figures; 404 for another organisation's."""
    if not user.has_perm("indicators.change_figure"):
        raise PermissionDenied
    indicator = get_object_or_404(PerformanceIndicator.objects.with_details(), pk=pk)
    if not can_enter_figures_for(user, indicator):
        raise Http404
    return indicator


def figure_for_user_or_404(user, pk: int) -> Figure:
    if not user.has_perm("indicators.change_figure"):
        raise PermissionDenied
    return get_object_or_404(Figure.objects.visible_to(user).select_related("indicator__objective"), pk=pk)


def period_from_url(indicator: PerformanceIndicator, start: str) -> Period:
    try:
        date = datetime.date.fromisoformat(start)
        check_year(date.year)
        return Period(indicator.frequency, date)
    except (ValueError, PeriodError):
        raise Http404("No such period for this indicator") from None


@permission_required("indicators.view_performanceindicator", raise_exception=True)
def indicator_list(request):
    strategy = current_strategy_or_404()
    content = page_part_render(
        request,
        template="indicators/list_content.html",
        context=lambda: indicator_list_context(request, strategy),
    )
    return render(request, "indicators/list.html", {"content": content})


def indicator_list_context(request, strategy) -> dict:
    indicators = PerformanceIndicator.objects.filter(objective__strategy=strategy).with_details()
    # Links made before the rating and the timeliness were apart say ``rag``: each value still works.
    earlier = request.GET.get("rag", "")
    filters = {
        "objective": request.GET.get("objective", ""),
        "organisation": request.GET.get("organisation", ""),
        "performance": request.GET.get("performance", "")
        or (earlier if earlier in PERFORMANCE_LABELS else ""),
        "timeliness": request.GET.get("timeliness", "")
        or ("overdue" if earlier == RagStatus.OVERDUE else ""),
    }
    if filters["objective"].isdigit():
        indicators = indicators.filter(objective__number=int(filters["objective"]))
    if filters["organisation"]:
        indicators = indicators.filter(owner__key=filters["organisation"])
    # Every listed indicator's state in one query; only the page shown is drawn.
    statuses = state_views(indicators, user=request.user)
    if filters["timeliness"] in TIMELINESS_LABELS:
        statuses = [status for status in statuses if has_timeliness(status, filters["timeliness"])]
    if filters["performance"] in PERFORMANCE_LABELS:
        statuses = [status for status in statuses if has_performance(status, filters["performance"])]
    pagination = paginate(request, statuses, label="Pages of the indicators")
    shown = pagination.items
    organisations = Organisation.objects.filter(indicators__objective__strategy=strategy).distinct()
    return {
        "strategy": strategy,
        "statuses": shown,
        "pagination": pagination,
        "verdicts": apps.get_app_config("comparisons").latest_verdicts_by_indicator(
            [status.indicator for status in shown]
        ),
        "filters": filters,
        "objectives": list(strategy.objectives.all()),
        "organisations": list(organisations),
        "timeliness_choices": list(TIMELINESS_LABELS.items()),
        "performance_choices": list(PERFORMANCE_LABELS.items()),
        "data_as_at": states_data_as_at(shown),
        "is_filtered": any(filters.values()),
    }


@permission_required("indicators.view_performanceindicator", raise_exception=True)
def detail(request, pk: int):
    strategy = current_strategy_or_404()
    # The layout needs only the names; the actions are read when the content is rendered.
    indicator = get_object_or_404(
        PerformanceIndicator.objects.select_related("objective", "owner"), pk=pk, objective__strategy=strategy
    )
    content = page_part_render(
        request,
        template="indicators/detail_content.html",
        context=lambda: indicator_page_context(indicator, user=request.user),
    )
    return render(request, "indicators/detail.html", {"indicator": indicator, "content": content})


def indicator_page_context(indicator, *, user) -> dict:
    prefetch_related_objects([indicator], "actions__objective")
    today = timezone.localdate()
    [status] = indicator_statuses([indicator], user=user, today=today)
    # The status summary reads the stored state, as the overview and the list do.
    [summary] = state_views([indicator], user=user)
    exact = sees_exact_figures(user, indicator)
    rows = [row for row in status.rows if row.period.has_ended(today)]
    history = []
    if exact:
        history = (
            FigureChange.objects.filter(figure__indicator=indicator)
            .select_related("figure", "changed_by")
            .order_by("-changed_at", "-pk")[:50]
        )
    comparisons = apps.get_app_config("comparisons")
    return {
        "indicator": indicator,
        "status": status,
        "summary": summary,
        "rows": rows,
        "data_as_at": states_data_as_at([summary]),
        "chart": indicator_chart(indicator, status.rows, today),
        "has_demo_figures": any(row.figure and row.figure.is_demo for row in rows),
        "exact": exact,
        "can_enter": can_enter_figures_for(user, indicator),
        "can_verify": user.has_perm("indicators.verify_figure"),
        "can_set_targets": user.has_perm("indicators.change_target"),
        "history": list(history),
        "comparisons": comparisons.indicator_comparison_sections(indicator),
        "breakdowns": indicator_breakdowns(
            indicator,
            figures=[row.figure for row in rows if row.figure and (exact or row.figure.is_verified)],
            exact=exact,
            england=comparisons.england_by_group(indicator),
        ),
    }


def figure_edit(request, pk: int, start: str):
    indicator = indicator_for_entry_or_404(request.user, pk)
    period = period_from_url(indicator, start)
    figure = Figure.objects.filter(
        indicator=indicator, frequency=period.frequency, period_start=period.start
    ).first()
    conflict = None
    previous = previous_figure(indicator, period)
    dimensions = indicator_dimensions(indicator)
    if request.method == "POST":
        form = FigureForm(request.POST, indicator=indicator, previous=previous, dimensions=dimensions)
        if form.is_valid():
            try:
                figure = figure_save(
                    indicator=indicator,
                    period=period,
                    user=request.user,
                    values=form.values,
                    expected_version=form.cleaned_data["version"],
                    submit="submit" in request.POST,
                    group_values=form.group_values,
                )
            except FigureConflict as error:
                conflict = error.current if error.current.pk else None
                form.add_error(
                    None,
                    "Someone else saved this figure while you were editing it. Check their figure below; "
                    "to keep yours instead, save again.",
                )
                # Saving again now deliberately replaces what they saved.
                form.data = form.data.copy()
                form.data["version"] = conflict.version if conflict else ""
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                verb = (
                    "submitted for verification"
                    if figure.status == Figure.Status.SUBMITTED
                    else "saved as a draft"
                )
                messages.success(request, f"The figure for {period.label} has been {verb}.")
                return redirect(indicator)
    else:
        initial = {"version": figure.version if figure else None}
        if figure:
            initial |= {
                "value": figure.value if indicator.unit != "yes_no" else str(int(figure.value)),
                "numerator": figure.numerator,
                "denominator": figure.denominator,
                "note": figure.note,
                "quality": figure.quality,
                "source": figure.source,
            } | FigureForm.group_initial(dimensions, group_values_of(figure))
        else:
            initial["source"] = indicator.data_source
        form = FigureForm(initial=initial, indicator=indicator, previous=previous, dimensions=dimensions)
    return render(
        request,
        "indicators/figure_form.html",
        {
            "indicator": indicator,
            "period": period,
            "figure": figure,
            "form": form,
            "conflict": conflict,
            "due": due_date(period),
            "previous": previous,
            "previous_period": period.previous(),
            "target": period_target(indicator, period),
        },
    )


@require_POST
def figure_action(request, pk: int, action: str):
    figure = figure_for_user_or_404(request.user, pk)
    to_status = {"submit": Figure.Status.SUBMITTED, "verify": Figure.Status.VERIFIED}.get(action)
    if to_status is None:
        raise Http404
    try:
        version = int(request.POST.get("version", ""))
        figure = figure_transition(
            figure_id=figure.pk, user=request.user, to_status=to_status, expected_version=version
        )
    except ValueError:
        messages.error(request, "The form was incomplete. Try again.")
    except FigureConflict:
        messages.error(request, "Someone else changed this figure just now. Check it and try again.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"The figure for {figure.period.label} is now {figure.get_status_display().lower()}."
        )
    return redirect(figure.indicator)


def figure_send_back(request, pk: int):
    figure = figure_for_user_or_404(request.user, pk)
    if not request.user.has_perm("indicators.verify_figure"):
        raise PermissionDenied
    form = SendBackForm(posted_data(request), initial={"version": figure.version})
    if request.method == "POST" and form.is_valid():
        try:
            figure_transition(
                figure_id=figure.pk,
                user=request.user,
                to_status=Figure.Status.RETURNED,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except FigureConflict:
            form.add_error(
                None, "Someone else changed this figure just now. Go back to the indicator and check it."
            )
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, f"The figure for {figure.period.label} has been sent back.")
            return redirect(figure.indicator)
    return render(request, "indicators/send_back.html", {"figure": figure, "form": form})


@permission_required("indicators.change_figure", raise_exception=True)
def overdue(request):
    """Figures whose period has ended and whose due date has passed without a verified figure."""
    strategy = current_strategy_or_404()
    indicators = PerformanceIndicator.objects.filter(objective__strategy=strategy).with_details()
    if not request.user.has_perm("indicators.verify_figure"):
        indicators = indicators.filter(owner_id=request.user.organisation_id)
    # The stored states say which are overdue; only those are read in full.
    overdue_ones = [view.indicator for view in state_views(indicators, user=request.user) if view.is_overdue]
    statuses = indicator_statuses(overdue_ones, user=request.user)
    by_organisation = {}
    for status in statuses:
        by_organisation.setdefault(status.indicator.owner, []).append(status)
    return render(
        request,
        "indicators/overdue.html",
        {"by_organisation": by_organisation, "count": len(statuses), "due_days": settings.FIGURE_DUE_DAYS},
    )


@permission_required("indicators.change_figure", raise_exception=True)
def import_upload(request):
    form = UploadForm(posted_data(request), posted_files(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(settings.IMPORT_MAX_BYTES + 1)
        try:
            preview_import(name=upload.name, content=content, user=request.user)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            saved = upload_create(user=request.user, filename=upload.name, content=content)
            return redirect("indicators:import_preview", pk=saved.pk)
    return render(request, "indicators/import_upload.html", {"form": form})


@permission_required("indicators.change_figure", raise_exception=True)
def import_preview(request, pk: int):
    upload = get_object_or_404(
        FigureUpload.objects.exclude(state=FigureUpload.State.CHECKED, imported_at__isnull=False),
        pk=pk,
        uploaded_by=request.user,
    )
    if upload.state != FigureUpload.State.CHECKED:
        return render(request, "indicators/import_progress.html", {"upload": upload})
    error = None
    try:
        checked = preview_import(name=upload.filename, content=bytes(upload.content), user=request.user)
    except ImportFileError as problem:
        checked, error = None, str(problem)
    form = ConfirmImportForm(
        posted_data(request),
        replacing_verified=len(checked.replacing_verified) if checked else 0,
        unusual=len(checked.unusual) if checked else 0,
    )
    try:
        if checked is None:
            preview = None
        elif request.method == "POST" and form.is_valid():
            if checked.is_valid and len(checked.to_save) > settings.IMPORT_INLINE_FIGURES:
                import_request(upload=upload, preview=checked, submit=form.cleaned_data["submit_figures"])
                return redirect("indicators:import_preview", pk=upload.pk)
            preview = commit_import(
                name=upload.filename,
                content=bytes(upload.content),
                user=request.user,
                submit=form.cleaned_data["submit_figures"],
            )
            if preview.is_valid:
                upload_mark_imported(upload=upload)
                saved = len(preview.to_save)
                messages.success(
                    request,
                    f"{saved} figure{'s' if saved != 1 else ''} imported; "
                    f"{preview.count('unchanged')} unchanged.",
                )
                return redirect("indicators:list")
        else:
            preview = checked
    except ImportFileError as problem:
        preview, error = None, str(problem)
    return render(
        request,
        "indicators/import_preview.html",
        {
            "upload": upload,
            "preview": preview,
            "counts": preview.counts if preview else None,
            "form": form,
            "error": error,
        },
    )


OUTCOMES = ["new", "changed", "unchanged", "skipped", "error"]


def _download(rows, *, fmt: str, filename: str, sheet_title: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(
            as_xlsx(rows, sheet_title=sheet_title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@permission_required("indicators.change_figure", raise_exception=True)
def import_template(request, fmt: str):
    strategy = current_strategy_or_404()
    indicators = [
        indicator
        for indicator in PerformanceIndicator.objects.filter(objective__strategy=strategy)
        .with_details()
        .prefetch_related("breakdowns__dimension__groups")
        if can_enter_figures_for(request.user, indicator)
    ]
    rows = template_rows(indicators, today=timezone.localdate())
    return _download(rows, fmt=fmt, filename="figures-template", sheet_title="Figures")


@permission_required("indicators.view_figure", raise_exception=True)
def export(request, fmt: str):
    figures = (
        Figure.objects.visible_to(request.user)
        .select_related("indicator__objective", "verified_by")
        .prefetch_related("group_values__group__dimension")
        .annotate(
            change_count=Count("changes"),
            was_sent_back=Exists(
                FigureChange.objects.filter(figure=OuterRef("pk"), event=FigureChange.Event.RETURNED)
            ),
        )
        .order_by("indicator__objective__number", "indicator__position", "period_start")
    )
    stamp = timezone.localdate().isoformat()
    return _download(export_rows(figures), fmt=fmt, filename=f"figures-{stamp}", sheet_title="Figures")


@permission_required("objectives.manage_strategy", raise_exception=True)
def catalogue(request):
    strategy = current_strategy_or_404()
    adopted = dict(
        PerformanceIndicator.objects.filter(objective__strategy=strategy, catalogue_entry__isnull=False)
        .select_related("objective")
        .values_list("catalogue_entry_id", "pk")
    )
    entries = list(CatalogueEntry.objects.all())
    for entry in entries:
        entry.adopted_pk = adopted.get(entry.pk)
    return render(request, "indicators/catalogue.html", {"entries": entries, "strategy": strategy})


@permission_required("objectives.manage_strategy", raise_exception=True)
def catalogue_adopt_view(request, code: str):
    strategy = current_strategy_or_404()
    entry = get_object_or_404(CatalogueEntry, code=code)
    form = AdoptForm(posted_data(request), strategy=strategy)
    if request.method == "POST" and form.is_valid():
        try:
            indicator = catalogue_adopt(entry=entry, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, f"{entry.title} is now {indicator.reference}.")
            return redirect(indicator)
    return render(request, "indicators/catalogue_adopt.html", {"entry": entry, "form": form})


@permission_required("indicators.change_target", raise_exception=True)
def targets_edit(request, pk: int):
    indicator = get_object_or_404(PerformanceIndicator.objects.with_details(), pk=pk)
    current = Period.containing(indicator.frequency, timezone.localdate())
    periods = [
        current.previous().previous(),
        current.previous(),
        current,
        current.next(),
        current.next().next(),
    ]
    existing = {
        target.period_start: target.value
        for target in indicator.targets.filter(
            frequency=indicator.frequency, period_start__in=[period.start for period in periods]
        )
    }
    initial = {
        "amber_tolerance": indicator.amber_tolerance,
        "change_check_percent": indicator.change_check_percent,
    } | {TargetsForm.field_name(period): existing.get(period.start) for period in periods}
    form = TargetsForm(
        posted_data(request),
        initial=initial,
        indicator=indicator,
        periods=periods,
        version=indicator.edit_version,
    )
    if request.method == "POST" and form.is_valid():
        try:
            targets_set(
                indicator=indicator,
                targets=form.targets,
                amber_tolerance=form.cleaned_data["amber_tolerance"],
                change_check_percent=form.cleaned_data["change_check_percent"],
                expected_version=form.version_opened,
            )
        except EditConflict as conflict:
            form.show_conflict(conflict.current)
        except ValidationError as error:
            for name, messages_for_field in error.message_dict.items():
                form.add_error(name if name in form.fields else None, messages_for_field)
        else:
            messages.success(request, f"The targets for {indicator.reference} have been saved.")
            return redirect(indicator)
    return render(request, "indicators/targets_form.html", {"indicator": indicator, "form": form})


@permission_required("indicators.verify_figure", raise_exception=True)
def verification(request):
    """The figures waiting for verification, the longest waiting first; the officer verifies a batch."""
    strategy = current_strategy_or_404()
    queue = verification_queue(strategy)
    form = BatchVerifyForm(posted_data(request), queue=queue)
    if request.method == "POST" and form.is_valid():
        try:
            verified = figures_verify(user=request.user, versions=form.versions())
        except BatchConflict as conflict:
            form.add_error("figures", conflict.message)
            queue = verification_queue(strategy)
        else:
            count = len(verified)
            messages.success(request, f"{count} figure{'s' if count != 1 else ''} verified.")
            return redirect("home" if request.POST.get("back") == "home" else "indicators:verification")
    return render(request, "indicators/verification.html", {"queue": queue, "form": form})


@require_POST
@permission_required("indicators.verify_figure", raise_exception=True)
def organisation_remind(request, organisation_pk: int):
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    try:
        organisation_reminder_request(organisation=organisation, user=request.user)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, f"A reminder is on its way to {organisation}'s contributors.")
    return redirect("home")


def figure_reopen_request(request, pk: int):
    figure = figure_for_user_or_404(request.user, pk)
    if not figure.is_verified or not can_enter_figures_for(request.user, figure.indicator):
        raise Http404
    form = ReopenRequestForm(posted_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            reopen_request_create(figure=figure, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(
                request, f"The officer has been asked to reopen the figure for {figure.period.label}."
            )
            return redirect(figure.indicator)
    return render(request, "indicators/reopen_request.html", {"figure": figure, "form": form})


@require_POST
@permission_required("indicators.change_figure", raise_exception=True)
def email_setting(request):
    """A contributor turns one kind of figures email off or on (the account page now posts to
    the account's own email settings, which cover every email; this address stays for old links)."""
    figure_emails = {EmailKind.SENT_BACK, EmailKind.REMINDER} & set(emails_for(request.user))
    email = request.POST.get("email", "")
    if email not in figure_emails:
        messages.info(request, "Choose which email to turn on or off.")
        return redirect("account")
    wanted = request.POST.get("wanted") == "yes"
    email_preference_set(person=request.user, kind=EmailKind(email), wanted=wanted)
    label = EmailKind(email).label.lower()
    messages.success(
        request, f"You will get emails {label}." if wanted else f"You will no longer get emails {label}."
    )
    return redirect("account")
