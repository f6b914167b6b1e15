"""The slow documents, built by the worker (lis.core.jobs; issue 15, item 5): the report of an
analysis to its nämnd (PDF), its riskmatris (xlsx) and the register (xlsx, up to the whole
kommun). Each builder runs with the access of the person who asked, checked again here: the view
checked it when they asked, but roles and data may have changed before the worker gets to it.
Registered in ReportsConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.core import access
from lis.core.jobs import Document, JobFailed, Progress, register_document
from lis.core.models import User
from lis.core.pack import get_pack
from lis.organisation import selectors as organisation_selectors
from lis.risks import selectors as risk_selectors
from lis.systems import selectors as system_selectors

from . import register_xlsx, risk_pdf, risk_xlsx

REGISTER = "register_xlsx"
ANALYSIS_XLSX = "analysis_xlsx"
ANALYSIS_PDF = "analysis_pdf"


def _pk(params: dict[str, Any], name: str) -> int:
    value = params.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise JobFailed(_("Beställningen av dokumentet är ofullständig. Beställ det igen."))
    return value


def build_register(*, user: User, params: dict[str, Any], progress: Progress) -> Document:
    """params: {"unit": pk or None}: that förvaltning/bolag, else everything the user sees."""
    p = access.principal_for(user)
    unit = None
    if params.get("unit") is not None:
        unit = organisation_selectors.unit_get(p, _pk(params, "unit"))
    progress(5, _("Läser förteckningen"))
    systems = system_selectors.systems_visible_to(p)
    if unit is not None:
        systems = systems.filter(unit__path__startswith=unit.path)
    total = max(systems.count(), 1)

    def rows_done(count: int) -> None:
        progress(5 + 85 * count // total, _("%(count)s av %(total)s system skrivna") % {"count": count, "total": total})

    export = register_xlsx.export_register(user=user, unit=unit, rows_done=rows_done)
    progress(95, _("Sparar arbetsboken"))
    return Document(content=export.content, filename=export.filename, content_type=register_xlsx.CONTENT_TYPE)


def build_analysis_xlsx(*, user: User, params: dict[str, Any], progress: Progress) -> Document:
    """params: {"analysis": pk}."""
    analysis = risk_selectors.analysis_get(access.principal_for(user), _pk(params, "analysis"))
    progress(10, _("Skriver riskmatrisen"))
    export = risk_xlsx.export_analysis(user=user, analysis=analysis)
    return Document(content=export.content, filename=export.filename, content_type=register_xlsx.CONTENT_TYPE)


def build_analysis_pdf(*, user: User, params: dict[str, Any], progress: Progress) -> Document:
    """params: {"analysis": pk, "level": risk level key, "archival": bool}."""
    analysis = risk_selectors.analysis_get(access.principal_for(user), _pk(params, "analysis"))
    level = params.get("level")
    if level not in {choice.key for choice in get_pack().risk_levels}:
        raise JobFailed(_("Risknivån som rapporten skulle börja på finns inte längre i policypaketet."))
    archival = params.get("archival") is True
    progress(10, _("Samlar risker och åtgärder"))
    # What the nämnd decided on, unless the analysis is unreported or has changed since: a proposal.
    latest = risk_selectors.latest_version(analysis)
    draft = latest is None or risk_selectors.changed_since_report(analysis, latest)
    progress(30, _("Skapar PDF-filen"))
    pdf = risk_pdf.render_report(
        user=user,
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
    return Document(content=pdf, filename=filename, content_type="application/pdf")


def register() -> None:
    register_document(REGISTER, build_register, label=gettext_lazy("Förteckningen över informationssystem (Excel)"))
    register_document(ANALYSIS_XLSX, build_analysis_xlsx, label=gettext_lazy("Riskmatris (Excel)"))
    register_document(ANALYSIS_PDF, build_analysis_pdf, label=gettext_lazy("Rapport till nämnden (PDF)"))
