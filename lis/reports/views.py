"""Documents in and out: the register (riskmatris del 1) as .xlsx, and an analysis's riskmatris
(.xlsx) and report (PDF), built by the worker (documents.py, lis.core.jobs); the import of the
register. Thin views over register_xlsx and the job mechanism."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access, jobs
from lis.core.job_views import download_response, prepared_page
from lis.core.pack import get_pack
from lis.organisation import selectors as organisation_selectors
from lis.risks import selectors as risk_selectors

from . import documents, imports, register_xlsx
from .forms import RegisterImportForm


def _document(request: HttpRequest, kind: str, params: dict) -> HttpResponse:
    """The document from the worker (lis.core.jobs): the file itself when the person already has
    it built from today's data, otherwise the job page, which shows its progress and offers it."""
    job = jobs.request_document(user=request.user, kind=kind, params=params)
    document = jobs.document_of(job)
    if document is not None:
        jobs.record_download(user=request.user, job=job)
        return download_response(document)
    return redirect("core:job", pk=job.pk)


@require_GET
def register_export(request: HttpRequest) -> HttpResponse:
    """GET ?enhet=<pk>: that förvaltning/bolag (404 unless the user sees it); else all they see."""
    unit = None
    raw = request.GET.get("enhet", "")
    if raw:
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
            raise Http404
        unit = organisation_selectors.unit_get(request.principal, int(raw))
    return _document(request, documents.REGISTER, {"unit": unit.pk if unit is not None else None})


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


@require_GET
def register_import_review(request: HttpRequest, token: str) -> HttpResponse:
    """The dry run, on the worker (imports.py): what the import would do, and every problem,
    before anything is written. Until it is done, the job page shows its progress."""
    access.require(register_xlsx.can_import(request.principal))
    upload = register_xlsx.PENDING.load(token, user=request.user)
    if upload is None:
        return _missing(request)
    return prepared_page(
        request,
        kind=imports.REGISTER_IMPORT_REVIEW,
        params={"token": upload.token},
        template="reports/register_import_review.html",
        context={"token": upload.token},
    )


@require_POST
def register_import_apply(request: HttpRequest) -> HttpResponse:
    """Apply a reviewed upload on the worker (imports.py): the job re-reads and re-checks the
    stored file and writes it all or nothing; its page shows the progress and the outcome."""
    access.require(register_xlsx.can_import(request.principal))
    upload = register_xlsx.PENDING.load(request.POST.get("token", ""), user=request.user)
    if upload is None:
        return _missing(request)
    job = jobs.request_document(user=request.user, kind=imports.REGISTER_IMPORT, params={"token": upload.token})
    return redirect("core:job", pk=job.pk)


def _missing(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/register_import_missing.html", status=404)


@require_GET
def analysis_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's riskmatris (del 1, del 2 and åtgärder) as one workbook."""
    analysis = risk_selectors.analysis_get(request.principal, pk)
    return _document(request, documents.ANALYSIS_XLSX, {"analysis": analysis.pk})


@require_GET
def analysis_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The report for the nämnd: ?niva=<risk level key> lists the risks from that level up
    (default the second-highest; an unknown level is a 404), ?arkiv=1 gives the PDF/A copy."""
    analysis = risk_selectors.analysis_get(request.principal, pk)
    level = request.GET.get("niva") or risk_selectors.default_report_level()
    if level not in {choice.key for choice in get_pack().risk_levels}:
        raise Http404
    archival = request.GET.get("arkiv") == "1"
    return _document(request, documents.ANALYSIS_PDF, {"analysis": analysis.pk, "level": level, "archival": archival})
