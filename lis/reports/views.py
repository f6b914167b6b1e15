"""Documents in and out: the register (riskmatris del 1) as .xlsx, and an analysis's riskmatris
(.xlsx) and report (PDF). Thin views over register_xlsx, risk_xlsx and risk_pdf."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access
from lis.core.pack import get_pack
from lis.organisation import selectors as organisation_selectors
from lis.risks import selectors as risk_selectors

from . import register_xlsx, risk_pdf, risk_xlsx
from .forms import RegisterImportForm

NO_DISPLAY_LIMIT = 1000  # above this many rows, the review lists only rows with something to say


@require_GET
def register_export(request: HttpRequest) -> HttpResponse:
    """GET ?enhet=<pk>: that förvaltning/bolag (404 unless the user sees it); else all they see."""
    unit = None
    raw = request.GET.get("enhet", "")
    if raw:
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
            raise Http404
        unit = organisation_selectors.unit_get(request.principal, int(raw))
    export = register_xlsx.export_register(user=request.user, unit=unit)
    return _download(export.content, register_xlsx.CONTENT_TYPE, export.filename)


@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest) -> HttpResponse:
    access.require(
        register_xlsx.can_import(request.principal),
        _("Du behöver ansvara för en förvaltning eller ett bolag för att importera system."),
    )
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = register_xlsx.PENDING.store(form.data_bytes, user=request.user, filename=form.cleaned_data["file"].name)
        return redirect("reports:register_import_review", token=token)
    return render(request, "reports/register_import.html", {"form": form})


def _review(
    request: HttpRequest, result: register_xlsx.ImportResult, *, token: str, filename: str, status: int = 200
) -> HttpResponse:
    rows = result.rows
    hidden = 0
    if len(rows) > NO_DISPLAY_LIMIT:
        shown = [row for row in rows if row.action != "unchanged" or row.errors or row.notices]
        hidden = len(rows) - len(shown)
        rows = shown
    return render(
        request,
        "reports/register_import_review.html",
        {
            "result": result,
            "rows": rows,
            "hidden": hidden,
            "token": token,
            "filename": filename,
        },
        status=status,
    )


@require_GET
def register_import_review(request: HttpRequest, token: str) -> HttpResponse:
    """The dry run: what the import would do, and every problem, before anything is written."""
    access.require(register_xlsx.can_import(request.principal))
    upload = register_xlsx.PENDING.load(token, user=request.user)
    if upload is None:
        return _missing(request)
    result = register_xlsx.run_import(upload.data, user=request.user, apply=False)
    return _review(request, result, token=upload.token, filename=upload.filename)


@require_POST
def register_import_apply(request: HttpRequest) -> HttpResponse:
    """Apply a reviewed upload, all or nothing, re-reading and re-checking the stored file."""
    access.require(register_xlsx.can_import(request.principal))
    upload = register_xlsx.PENDING.load(request.POST.get("token", ""), user=request.user)
    if upload is None:
        return _missing(request)
    result = register_xlsx.run_import(upload.data, user=request.user, apply=True)
    register_xlsx.PENDING.discard(upload.token)
    if result.has_errors:
        return _review(request, result, token="", filename=upload.filename, status=409)
    if result.applied:
        created = ngettext("%(count)s nytt system", "%(count)s nya system", result.created) % {"count": result.created}
        updated = ngettext("%(count)s ändrat system", "%(count)s ändrade system", result.updated) % {
            "count": result.updated
        }
        messages.success(
            request, _("Importen är genomförd: %(created)s och %(updated)s.") % {"created": created, "updated": updated}
        )
    else:
        messages.info(request, _("Inget ändrades: alla rader var oförändrade."))
    return redirect(reverse("systems:system_list"))


def _missing(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/register_import_missing.html", status=404)


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def analysis_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's riskmatris (del 1, del 2 and åtgärder) as one workbook."""
    analysis = risk_selectors.analysis_get(request.principal, pk)
    export = risk_xlsx.export_analysis(user=request.user, analysis=analysis)
    return _download(export.content, register_xlsx.CONTENT_TYPE, export.filename)


@require_GET
def analysis_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report for the nämnd: ?niva=<risk level key> lists the risks from that level up
    (default the second-highest; an unknown level is a 404), ?arkiv=1 gives the PDF/A copy."""
    analysis = risk_selectors.analysis_get(request.principal, pk)
    level = request.GET.get("niva") or risk_selectors.default_report_level()
    if level not in {choice.key for choice in get_pack().risk_levels}:
        raise Http404
    archival = request.GET.get("arkiv") == "1"
    # What the nämnd decided on, unless the analysis is unreported or has changed since: a proposal.
    latest = risk_selectors.latest_version(analysis)
    draft = latest is None or risk_selectors.changed_since_report(analysis, latest)
    pdf = risk_pdf.render_report(
        user=request.user,
        analysis=analysis,
        min_level=level,
        archival=archival,
        draft=draft,
        decision=None if draft else latest.decision,
    )
    names = {"unit": analysis.unit.short_name or analysis.unit.name, "period": analysis.period}
    if archival:
        filename = _("Informationssäkerhetsanalys %(unit)s %(period)s (arkiv).pdf") % names
    else:
        filename = _("Informationssäkerhetsanalys %(unit)s %(period)s.pdf") % names
    return _download(pdf, "application/pdf", filename)
