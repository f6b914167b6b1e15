"""Riskmatris del 2: the analyses, their risks and measures, and the heat map."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access, extensions
from lis.core.changelog import record_event
from lis.core.forms import call_service, cleaned, guard_stale, unconfirmed
from lis.core.pack import get_pack
from lis.core.selectors import history_for
from lis.core.uploads import document_response, too_large
from lis.core.viewhelpers import form_copy, form_page, render_tabbed, selected_tab
from lis.organisation import selectors as organisation_selectors
from lis.organisation.forms import DecisionForm
from lis.organisation.services import mandate_period_for
from lis.systems import selectors as system_selectors
from lis.systems.forms import top_units

from . import selectors, services
from .forms import AnalysisForm, AnalysisStartForm, MeasureForm, MeasureStatusForm, RiskForm, threat_texts
from .models import Measure, Risk, SecurityAnalysis

ANALYSIS_TABS = (
    ("oversikt", gettext_lazy("Översikt")),
    ("risker", gettext_lazy("Risker")),
    ("atgarder", gettext_lazy("Åtgärder")),
    ("versioner", gettext_lazy("Rapporterade versioner")),
    ("historik", gettext_lazy("Historik")),
)
PAGE_SIZE = 50


def _analysis_url(analysis: SecurityAnalysis, tab: str = "") -> str:
    return reverse("risks:analysis_detail", args=[analysis.pk]) + (f"?flik={tab}" if tab else "")


def _current_period():
    return mandate_period_for(access.today(), get_pack().action_plan_period_anchor)


def _with_counts(analyses):
    """Each analysis's number of risks and of overdue measures, as subqueries (a join of both
    would multiply the rows)."""
    today = access.today()
    open_statuses = [s.key for s in get_pack().measure_statuses if s.get("open")]

    def count(queryset):
        return Coalesce(Subquery(queryset.order_by().values("analysis").annotate(n=Count("pk")).values("n")), 0)

    return analyses.annotate(
        risk_count=count(Risk.objects.filter(analysis=OuterRef("pk"))),
        overdue_count=count(
            Measure.objects.filter(analysis=OuterRef("pk"), status__in=open_statuses, due_on__lt=today)
        ),
    )


def analysis_list(request: HttpRequest) -> HttpResponse:
    """Every förvaltning and bolag the user sees, with its analysis for the current mandatperiod."""
    p = request.principal
    period = _current_period()
    visible = selectors.analyses_visible_to(p)
    current = {a.unit_id: a for a in _with_counts(visible.filter(period=period))}
    units = list(top_units(p, manage=False))
    manageable = {u.pk for u in top_units(p, manage=True)}
    rows = [(unit, current.pop(unit.pk, None), unit.pk in manageable) for unit in units]
    rows += [(a.unit, a, False) for a in current.values()]  # units seen only through a named system
    earlier = _with_counts(visible.exclude(period=period)).order_by("-period__starts_on", "unit__name")
    return render(
        request,
        "risks/analysis_list.html",
        {"rows": rows, "period": period, "earlier": earlier[:PAGE_SIZE], "can_start": bool(manageable)},
    )


@require_http_methods(["GET", "POST"])
def analysis_start(request: HttpRequest) -> HttpResponse:
    p = request.principal
    units = top_units(p, manage=True)
    access.require(units.exists())
    form = AnalysisStartForm(
        request.POST or None,
        units=units,
        periods=services.analysis_periods(),
        initial={"unit": request.GET.get("enhet")},
    )
    if request.method == "POST" and form.is_valid():
        analysis = call_service(form, lambda: services.analysis_start(actor=request.user, **form.cleaned_data))
        if analysis is not None:
            messages.success(request, _("Analysen är påbörjad."))
            return redirect(_analysis_url(analysis))
    return form_page(
        request,
        form,
        title=_("Påbörja informationssäkerhetsanalys"),
        intro=_(
            "Analysen gäller förvaltningens eller bolagets system för mandatperioden (POL-3.15). Under den "
            "pågående periodens sista månader, när valet är hållet, kan analysen för nästa påbörjas."
        ),
        submit=_("Påbörja"),
        cancel=reverse("risks:analysis_list"),
    )


def _scope_rows(analysis: SecurityAnalysis, p, page_number):
    """A page of the systems the analysis covers, with their number of risks and highest level;
    and the excluded. A förvaltning may have a thousand systems: a page of PAGE_SIZE at a time."""
    scope = selectors.analysis_scope(analysis)
    visible = scope.in_scope.filter(access.system_filter(p))
    systems = visible.annotate(
        risk_count=Count("risks", filter=Q(risks__analysis=analysis)),
    ).order_by("name", "pk")
    page = Paginator(systems, PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    # The highest level per system from the distinct assessments (at most one per matrix cell).
    ranks = {level.key: index for index, level in enumerate(get_pack().risk_levels)}
    highest: dict[int, Any] = {}
    assessed = Risk.objects.filter(analysis=analysis, system__in=[system.pk for system in rows])
    for system_id, likelihood, consequence in assessed.values_list("system_id", "likelihood", "consequence").distinct():
        level = get_pack().risk_level(likelihood, consequence)
        if system_id not in highest or ranks[level.key] > ranks[highest[system_id].key]:
            highest[system_id] = level
    for system in rows:
        system.highest = highest.get(system.pk)
    page.object_list = rows
    return page, scope.excluded.filter(access.system_filter(p)).order_by("name")


def analysis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    analysis = selectors.analysis_get(p, pk)
    tab = selected_tab(request, ANALYSIS_TABS)
    risks = selectors.risks_visible_to(p).filter(analysis=analysis)
    can_manage = p.can_manage_unit(analysis.unit)
    latest = selectors.latest_version(analysis)
    context = {
        "analysis": analysis,
        "latest": latest,
        "changed": selectors.changed_since_report(analysis, latest),
        "tab": tab,
        "tabs": ANALYSIS_TABS,
        "can_manage": can_manage,
        "can_add_risk": _risk_systems(p, analysis).exists(),
        "today": access.today(),
        "Status": SecurityAnalysis.Status,
        "risk_levels": get_pack().risk_levels,
        "report_level": selectors.default_report_level(),
    }
    if tab == "oversikt":
        context["page"], context["excluded"] = _scope_rows(analysis, p, request.GET.get("sida"))
        context["participants"] = analysis.participants.select_related("unit").order_by(*access.person_ordering(p))
        context["before"] = selectors.heat_map(risks)
        context["after"] = selectors.heat_map(risks, residual=True)
        context["scope_query"] = f"analys={analysis.pk}"
        context["overdue"] = selectors.overdue(
            selectors.measures_visible_to(p).filter(analysis=analysis), access.today()
        ).count()
    elif tab == "risker":
        context["page"] = Paginator(risks.select_related("owner").prefetch_related("measures"), PAGE_SIZE).get_page(
            request.GET.get("sida")
        )
        context["treatments"] = {t.key: t.name for t in get_pack().treatments}
    elif tab == "atgarder":
        context["page"] = Paginator(
            _measures(selectors.measures_visible_to(p).filter(analysis=analysis), p), PAGE_SIZE
        ).get_page(request.GET.get("sida"))
        context["reported_measures"] = selectors.reported_ids(
            analysis, "measures", [m.pk for m in context["page"].object_list]
        )
    elif tab == "versioner":
        context["versions"] = analysis.versions.select_related("decision__board").defer("pdf")
        context["sees_whole"] = selectors.sees_whole_analysis(p, analysis)
    elif tab == "historik":
        versions = analysis.versions.select_related("decision").defer("pdf")
        context["history_page"], context["history"] = history_for(
            p,
            [analysis, *versions, *(version.decision for version in versions)],
            related=[risks, selectors.measures_visible_to(p).filter(analysis=analysis)],
            page=request.GET.get("sida", 1),
        )
    return render_tabbed(request, "risks/analysis_detail.html", context)


def _measures(measures, p):
    visible_risks = (
        selectors.risks_visible_to(p).select_related(None).only("pk", "event", "likelihood", "consequence", "owner")
    )
    return (
        measures.select_related("completed_by__person", "verified_by__person")
        .prefetch_related(Prefetch("risks", visible_risks))
        .order_by("due_on", "pk")
    )


def _managed_analysis(request: HttpRequest, pk: int) -> SecurityAnalysis:
    analysis = selectors.analysis_get(request.principal, pk)
    access.require(request.principal.can_manage_unit(analysis.unit))
    return analysis


@require_http_methods(["GET", "POST"])
def analysis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = _managed_analysis(request, pk)
    form = AnalysisForm(request.POST or None, instance=form_copy(analysis), principal=request.principal)
    guard_stale(form, analysis, request.principal)
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, services.ANALYSIS_FIELDS)
        participants = list(form.cleaned_data["participants"])
        if call_service(
            form,
            lambda: services.analysis_update(
                actor=request.user, analysis=analysis, participants=participants, **fields
            ),
        ):
            messages.success(request, _("Ändringarna är sparade."))
            return redirect(_analysis_url(analysis))
    return form_page(
        request,
        form,
        title=_("Ändra analysen för %(unit)s") % {"unit": analysis.unit.name},
        cancel=_analysis_url(analysis),
    )


def _act(request: HttpRequest, call, *, done: str, back: str) -> HttpResponse:
    """Run a service for a button (no form): its refusal, or `done`, as a message."""
    try:
        call()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(back)


def _status_change(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    analysis = _managed_analysis(request, pk)
    return _act(
        request, lambda: service(actor=request.user, analysis=analysis), done=done, back=_analysis_url(analysis)
    )


@require_POST
def analysis_complete(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.analysis_complete, _("Analysen är markerad som klar."))


@require_POST
def analysis_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _status_change(request, pk, services.analysis_reopen, _("Analysen är öppnad igen."))


@require_http_methods(["GET", "POST"])
def analysis_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the nämnd's or styrelse's decision on the analysis and freeze what was reported
    (POL-3.15, BIL1-5); a reported analysis that has changed is reported again."""
    analysis = _managed_analysis(request, pk)
    reported = analysis.status == SecurityAnalysis.Status.REPORTED
    if not (analysis.status == SecurityAnalysis.Status.DONE or reported):
        messages.error(request, _("Markera analysen som klar innan den rapporteras till nämnden."))
        return redirect(_analysis_url(analysis))
    form = DecisionForm(request.POST or None, unit=analysis.unit)
    if request.method == "POST" and form.is_valid():
        version = call_service(
            form,
            lambda: services.analysis_report(actor=request.user, analysis=analysis, **form.cleaned_data),
        )
        if version is not None:
            messages.success(
                request,
                _("Nämndens beslut är registrerat. Version %(n)s av analysen är fryst med ett arkivexemplar.")
                % {"n": version.number},
            )
            return redirect(_analysis_url(analysis, "versioner"))
    return form_page(
        request,
        form,
        title=_("Rapportera analysen till nämnden igen") if reported else _("Rapportera analysen till nämnden"),
        intro=_(
            "Registrera beslutet ur nämndens eller styrelsens protokoll. Analysen fryses som den är nu, "
            "med ett arkivexemplar i PDF/A; arbetet fortsätter sedan i analysen."
        ),
        submit=_("Registrera beslutet"),
        cancel=_analysis_url(analysis),
    )


@require_GET
def version_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The archived PDF/A of a reported version, exactly as it was frozen; only for those who
    may see every system of the analysis."""
    version = selectors.version_get(request.principal, pk)
    if not version.pdf:
        raise Http404
    record_event("export", user=request.user, obj=version, details={"format": "pdf/a"})
    name = _("Informationssäkerhetsanalys %(unit)s %(period)s version %(n)s (arkiv).pdf") % {
        "unit": version.analysis.unit.short_name or version.analysis.unit.name,
        "period": version.analysis.period,
        "n": version.number,
    }
    response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


def _compare_rows(left: dict[str, Any], right: dict[str, Any], *, everything: bool) -> dict[str, Any]:
    """Two contents side by side: the summary, and risks and measures matched by id (added,
    removed or changed). Unchanged risks and measures only when `everything`, else counted:
    an analysis has thousands, and what a reader compares for is what changed."""
    unchanged = {"risks": 0, "measures": 0}

    def pair(kind: str):
        a = {item["id"]: item for item in left.get(kind, [])}
        b = {item["id"]: item for item in right.get(kind, [])}
        rows = []
        for key in list(a) + [key for key in b if key not in a]:
            changed = a.get(key) != b.get(key)
            if not changed:
                unchanged[kind] += 1
                if not everything:
                    continue
            rows.append({"sides": [a.get(key), b.get(key)], "changed": changed})
        return rows

    return {
        "unchanged": unchanged,
        "summary": (left.get("summary", ""), right.get("summary", "")),
        "participants": (left.get("participants", []), right.get("participants", [])),
        "systems": (
            [s["name"] for s in left.get("systems", [])],
            [s["name"] for s in right.get("systems", [])],
        ),
        "risks": pair("risks"),
        "measures": pair("measures"),
    }


def analysis_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two reported versions, or a version and the live analysis (0), side by side; for those
    who may see the whole analysis."""
    p = request.principal
    analysis = selectors.analysis_get(p, pk)
    access.require(selectors.sees_whole_analysis(p, analysis))
    versions = {v.number: v for v in analysis.versions.select_related("decision__board").defer("pdf")}
    if not versions:
        raise Http404

    def pick(name: str, default: int):
        raw = request.GET.get(name, "")
        number = int(raw) if raw.isdigit() and len(raw) < 6 else default
        if number == 0:
            return 0, _("Analysen nu"), selectors.analysis_content(analysis)
        if number in versions and versions[number].content:
            return number, _("Version %(n)s (rapporterad)") % {"n": number}, versions[number].content
        raise Http404

    everything = request.GET.get("alla") == "1"
    newest = max(versions)
    left = pick("a", newest)
    right = pick("b", 0)
    choices = [(0, _("Analysen nu"))] + [
        (n, _("Version %(n)s") % {"n": n}) for n in sorted(versions) if versions[n].content
    ]
    return render(
        request,
        "risks/analysis_compare.html",
        {
            "analysis": analysis,
            "left": left,
            "right": right,
            "rows": _compare_rows(left[2], right[2], everything=everything),
            "choices": choices,
            "everything": everything,
        },
    )


def threat_catalogue(request: HttpRequest, pk: int) -> HttpResponse:
    """The pack's common threats: start a risk from one."""
    analysis = selectors.analysis_get(request.principal, pk)
    pack = get_pack()
    threats = [
        (threat, ", ".join(a.name for a in pack.aspects if a.key in threat.get("aspects", [])))
        for threat in pack.threats
    ]
    can_add_risk = _risk_systems(request.principal, analysis).exists()
    return render(
        request,
        "risks/threat_catalogue.html",
        {"analysis": analysis, "threats": threats, "can_add_risk": can_add_risk},
    )


def _risk_systems(p, analysis: SecurityAnalysis):
    """Systems of the analysis's unit the user may add risks to (not those excluded by POL-3.23)."""
    systems = selectors.analysis_scope(analysis).in_scope.select_related("unit").order_by("name")
    if p.can_manage_unit(analysis.unit):
        return systems
    return systems.filter(Q(responsible_manager=p.person) | Q(system_steward=p.person)) if p.person else systems.none()


@require_http_methods(["GET", "POST"])
def risk_edit(request: HttpRequest, pk: int | None = None, risk_pk: int | None = None) -> HttpResponse:
    p = request.principal
    if risk_pk is not None:
        risk = selectors.risk_get(p, risk_pk)
        analysis = risk.analysis
        access.require(access.can_manage_system(p, risk.system))
        initial = {}
    else:
        risk = None
        analysis = selectors.analysis_get(p, pk)
        initial = {"system": request.GET.get("system")} | (threat_texts(request.GET.get("hot")) or {})
    systems = _risk_systems(p, analysis)
    access.require(risk is not None or systems.exists())
    form = RiskForm(request.POST or None, instance=form_copy(risk), initial=initial, principal=p, systems=systems)
    if "fill_threat" in request.POST:  # "Fyll i från hotet" without JavaScript: shown again, nothing saved
        form = RiskForm(instance=form_copy(risk), initial=form.filled_from_threat(), principal=p, systems=systems)
    if risk is not None:
        form.fields["system"].disabled = True
    guard_stale(form, risk, p)
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, services.RISK_FIELDS)
        if risk is None:
            result = call_service(form, lambda: services.risk_create(actor=request.user, analysis=analysis, **fields))
        else:
            fields.pop("system", None)
            result = call_service(form, lambda: services.risk_update(actor=request.user, risk=risk, **fields))
        if result is not None:
            messages.success(request, _("Risken är sparad."))
            return redirect("risks:risk_detail", risk_pk=result.pk)
    cancel = reverse("risks:risk_detail", args=[risk.pk]) if risk else _analysis_url(analysis, "risker")
    return form_page(
        request,
        form,
        title=_("Ändra risk") if risk else _("Ny risk"),
        intro=_("Formulera risken som: på grund av (orsak) inträffar (händelse), vilket leder till (konsekvens)."),
        cancel=cancel,
    )


@require_POST
def risk_delete(request: HttpRequest, risk_pk: int) -> HttpResponse:
    risk = selectors.risk_get(request.principal, risk_pk)
    access.require(access.can_manage_system(request.principal, risk.system))
    return _act(
        request,
        lambda: services.risk_delete(actor=request.user, risk=risk),
        done=_("Risken är borttagen."),
        back=_analysis_url(risk.analysis, "risker"),
    )


@require_POST
def measure_delete(request: HttpRequest, measure_pk: int) -> HttpResponse:
    measure = selectors.measure_get(request.principal, measure_pk)
    analysis = _managed_analysis(request, measure.analysis_id)
    return _act(
        request,
        lambda: services.measure_delete(actor=request.user, measure=measure),
        done=_("Åtgärden är borttagen."),
        back=_analysis_url(analysis, "atgarder"),
    )


def risk_detail(request: HttpRequest, risk_pk: int) -> HttpResponse:
    p = request.principal
    risk = selectors.risk_get(p, risk_pk)
    pack = get_pack()
    measures = list(selectors.measures_visible_to(p).filter(risks=risk).order_by("due_on", "pk"))
    history_page, history = history_for(p, [risk], page=request.GET.get("sida", 1))
    return render(
        request,
        "risks/risk_detail.html",
        {
            "risk": risk,
            "measures": measures,
            "risk_reported": bool(selectors.reported_ids(risk.analysis, "risks", [risk.pk])),
            "reported_measures": selectors.reported_ids(risk.analysis, "measures", [m.pk for m in measures]),
            "can_manage": access.can_manage_system(p, risk.system),
            "can_add_measure": p.can_manage_unit(risk.analysis.unit),
            "aspects": {a.key: a.name for a in pack.aspects},
            "threat": next((t.name for t in pack.threats if t.key == risk.threat), ""),
            "treatment": next((t.name for t in pack.treatments if t.key == risk.treatment), ""),
            "scale_l": {int(c.key): c.name for c in pack.likelihood},
            "scale_c": {int(c.key): c.name for c in pack.consequence},
            "today": access.today(),
            "history_page": history_page,
            "history": history,
            "panels": extensions.panels(Risk, request, risk),
        },
    )


def _due_warnings(form: MeasureForm, measure: Measure | None) -> list[str]:
    """An open measure given a date that has already passed is overdue at once: asked first."""
    due, status = form.cleaned_data.get("due_on"), form.cleaned_data.get("status")
    open_statuses = {s.key for s in get_pack().measure_statuses if s.get("open")}
    if due is None or due >= access.today() or status not in open_statuses:
        return []
    if measure is not None and due == measure.due_on:
        return []
    return [
        _("Datumet klart senast, %(date)s, har redan passerat: åtgärden blir försenad direkt.")
        % {"date": due.isoformat()}
    ]


def _evidence_upload(form) -> tuple[str, bytes] | None:
    """The uploaded evidence as (file name, content); a file over the limit is refused unread."""
    upload = form.cleaned_data.get("evidence")
    if upload is None:
        return None
    if message := too_large(upload.size):
        raise ValidationError({"evidence": message})
    return upload.name, upload.read()


@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, pk: int | None = None, measure_pk: int | None = None) -> HttpResponse:
    p = request.principal
    if measure_pk is not None:
        measure = selectors.measure_get(p, measure_pk)
        analysis = _managed_analysis(request, measure.analysis_id)
    else:
        measure = None
        analysis = _managed_analysis(request, pk)
    risks = Risk.objects.filter(analysis=analysis).select_related("system").order_by("system__name", "pk")
    initial = {"risks": [request.GET["risk"]]} if request.GET.get("risk", "").isdigit() else {}
    form = MeasureForm(
        request.POST or None,
        request.FILES or None,
        instance=form_copy(measure),
        initial=initial,
        principal=p,
        risks=risks,
    )
    guard_stale(form, measure, p)
    if request.method == "POST" and form.is_valid() and not unconfirmed(form, _due_warnings(form, measure)):
        fields = cleaned(form, services.MEASURE_FIELDS)
        chosen = list(form.cleaned_data["risks"])
        result = call_service(
            form,
            lambda: services.measure_save(
                actor=request.user,
                analysis=analysis,
                measure=measure,
                risks=chosen,
                upload=_evidence_upload(form),
                **fields,
            ),
        )
        if result is not None:
            messages.success(request, _("Åtgärden är sparad."))
            return redirect(_analysis_url(analysis, "atgarder"))
    return form_page(
        request,
        form,
        title=_("Ändra åtgärd") if measure else _("Ny åtgärd"),
        cancel=_analysis_url(analysis, "atgarder"),
        panels=extensions.panels(Measure, request, measure) if measure else None,
    )


def _measure_back(p, measure: Measure) -> str:
    """Back to the analysis's measures, or to the user's own measures when they see only those."""
    if selectors.analyses_visible_to(p).filter(pk=measure.analysis_id).exists():
        return _analysis_url(measure.analysis, "atgarder")
    return reverse("risks:measure_list") + "?mina=1"


@require_http_methods(["GET", "POST"])
def measure_status(request: HttpRequest, measure_pk: int) -> HttpResponse:
    """The åtgärdsansvarig (or the unit) reports how the measure is going."""
    p = request.principal
    measure = selectors.measure_get(p, measure_pk)
    access.require(services.can_report_measure(p, measure))
    form = MeasureStatusForm(
        request.POST or None, request.FILES or None, initial={"status": measure.status}, measure=measure
    )
    back = _measure_back(p, measure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if call_service(
            form,
            lambda: services.measure_set_status(
                actor=request.user,
                measure=measure,
                status=data["status"],
                completion_note=data["completion_note"],
                upload=_evidence_upload(form),
            ),
        ):
            messages.success(request, _("Åtgärdens status är sparad."))
            return redirect(back)
    return form_page(
        request,
        form,
        title=_("Status för %(measure)s") % {"measure": measure.title},
        cancel=back,
        panels=extensions.panels(Measure, request, measure),
    )


@require_POST
def measure_verify(request: HttpRequest, measure_pk: int) -> HttpResponse:
    """Genomförd → verifierad, by the risk owner or the unit's chef or samordnare."""
    p = request.principal
    measure = selectors.measure_get(p, measure_pk)
    access.require(services.can_verify_measure(p, measure))
    return _act(
        request,
        lambda: services.measure_verify(actor=request.user, measure=measure),
        done=_("Åtgärden är verifierad."),
        back=_measure_back(p, measure),
    )


def measure_evidence(request: HttpRequest, measure_pk: int) -> HttpResponse:
    """The evidence of a completed measure, always as a download under its original name."""
    measure = selectors.measure_get(request.principal, measure_pk)
    if not measure.evidence:
        raise Http404
    return document_response(
        measure.evidence, kind=measure.evidence_type, name=measure.evidence_name or f"underlag.{measure.evidence_type}"
    )


def _int_param(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 12):
        raise Http404
    return int(raw)


class RiskScope:
    """A kommun, unit or system scope from ?enhet= and ?system=, applied to risks the user sees."""

    def __init__(self, request: HttpRequest):
        p = request.principal
        self.unit = self.system = self.analysis = None
        self.risks = selectors.risks_visible_to(p)
        if (unit_pk := _int_param(request, "enhet")) is not None:
            self.unit = organisation_selectors.unit_get(p, unit_pk)
            self.risks = self.risks.filter(system__unit__path__startswith=self.unit.path)
        if (system_pk := _int_param(request, "system")) is not None:
            self.system = system_selectors.system_get(p, system_pk)
            self.risks = self.risks.filter(system=self.system)
        if (analysis_pk := _int_param(request, "analys")) is not None:
            self.analysis = selectors.analysis_get(p, analysis_pk)
            self.risks = self.risks.filter(analysis=self.analysis)
        self.query = "&".join(
            f"{name}={obj.pk}"
            for name, obj in (("enhet", self.unit), ("system", self.system), ("analys", self.analysis))
            if obj is not None
        )

    @property
    def label(self) -> str:
        if self.system is not None:
            return self.system.name
        if self.analysis is not None:
            return str(self.analysis)
        return self.unit.name if self.unit is not None else get_pack().municipality_name


def heat_map(request: HttpRequest) -> HttpResponse:
    """The pack's matrix with the number of risks per cell, before and after treatment."""
    scope = RiskScope(request)
    return render(
        request,
        "risks/heat_map.html",
        {
            "scope": scope,
            "before": selectors.heat_map(scope.risks),
            "after": selectors.heat_map(scope.risks, residual=True),
            "scope_query": scope.query,
            "units": top_units(request.principal, manage=False),
        },
    )


def risk_list(request: HttpRequest) -> HttpResponse:
    """Risks in a scope, optionally in one cell of the heat map (?s=&k=, &efter=1 for residual)."""
    scope = RiskScope(request)
    risks = scope.risks.select_related("owner", "system__unit")
    likelihood, consequence = _int_param(request, "s"), _int_param(request, "k")
    residual = request.GET.get("efter") == "1"
    if likelihood is not None and consequence is not None:
        if residual:
            risks = risks.filter(
                Q(residual_likelihood=likelihood, residual_consequence=consequence)
                | Q(residual_likelihood__isnull=True, likelihood=likelihood, consequence=consequence)
            )
        else:
            risks = risks.filter(likelihood=likelihood, consequence=consequence)
    pack = get_pack()
    cell = None
    if likelihood is not None and consequence is not None and 1 <= likelihood <= len(pack.likelihood):
        if 1 <= consequence <= len(pack.consequence):
            cell = pack.risk_level(likelihood, consequence)
    return render(
        request,
        "risks/risk_list.html",
        {
            "scope": scope,
            "page": Paginator(risks.order_by("-likelihood", "-consequence", "pk"), PAGE_SIZE).get_page(
                request.GET.get("sida")
            ),
            "cell": cell,
            "likelihood": likelihood,
            "consequence": consequence,
            "residual": residual,
        },
    )


def measure_list(request: HttpRequest) -> HttpResponse:
    """Measures the user sees, the overdue ones first when asked (?forsenad=1, POL-3.31)."""
    p = request.principal
    measures = selectors.measures_visible_to(p)
    unit = None
    if (unit_pk := _int_param(request, "enhet")) is not None:
        unit = organisation_selectors.unit_get(p, unit_pk)
        measures = measures.filter(analysis__unit__path__startswith=unit.path)
    only_overdue = request.GET.get("forsenad") == "1"
    if only_overdue:
        measures = selectors.overdue(measures, access.today())
    mine = request.GET.get("mina") == "1" and p.person is not None
    if mine:
        measures = measures.filter(responsible=p.person)
    return render(
        request,
        "risks/measure_list.html",
        {
            "page": Paginator(_measures(measures, p), PAGE_SIZE).get_page(request.GET.get("sida")),
            "unit": unit,
            "only_overdue": only_overdue,
            "mine": mine,
            "today": access.today(),
            "units": top_units(p, manage=False),
        },
    )
