"""Incident pages (POL-2.6): every signed-in user reports an incident and follows their own
reports; the handlers (selectors.can_handle) triage and investigate, answer the reporting clocks'
trigger questions, record reports sent or decisions not to report, and draw lessons. A reporter
opening their own incident sees only the reporter's view; a number someone may not see is 404."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access
from lis.core.changelog import record_event
from lis.core.forms import call_service, cleaned, guard_stale
from lis.core.pack import get_pack
from lis.core.selectors import history_for
from lis.core.viewhelpers import form_page, render_tabbed, selected_tab
from lis.organisation.models import OrgUnit, Role
from lis.risks import services as risk_services
from lis.risks.forms import MeasureForm, RiskForm
from lis.systems.selectors import level_items

from . import clocks, documents, selectors, services
from .forms import (
    ClockAnswerForm,
    FilterForm,
    GdprForm,
    NotReportingForm,
    ReportForm,
    ReportSentForm,
    StatusForm,
    TimelineForm,
    TriageForm,
)
from .models import Clock, Incident, ReportSent

TABS = (
    ("oversikt", gettext_lazy("Översikt")),
    ("tidslinje", gettext_lazy("Tidslinje")),
    ("rapportering", gettext_lazy("Rapportering")),
    ("atgarder", gettext_lazy("Åtgärder")),
    ("historik", gettext_lazy("Historik")),
)
UNIT_HANDLER_ROLES = (Role.UNIT_HEAD, Role.SECURITY_COORDINATOR)
COUNCIL_ROLES = (Role.COUNCIL_CHAIR, Role.COUNCIL_REPRESENTATIVE, Role.COUNCIL_DEPUTY)
PAGE_SIZE = 50


def _url(incident: Incident, tab: str = "") -> str:
    return reverse("incidents:incident_detail", args=[incident.pk]) + (f"?flik={tab}" if tab else "")


def may_list(p: access.Principal) -> bool:
    """Whether the handler list is for this user (selectors.is_handler_anywhere)."""
    return selectors.is_handler_anywhere(p)


def _handled(request: HttpRequest, pk: int) -> Incident:
    """The incident, for a write by one who may handle it (404 for one who may not see it, 403
    for one who sees it but does not handle it)."""
    p = request.principal
    incident = selectors.incident_get(p, pk)
    access.require(selectors.can_handle(p, incident) and not selectors.is_reporter_only(p, incident))
    return incident


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- rapportera -------------------------------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    """The menu's "Incidenter": the handler list for those who handle, else one's own reports."""
    return redirect("incidents:incident_list" if may_list(request.principal) else "incidents:mine")


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    p = request.principal
    query = request.POST.get("system_sok", "")
    if request.method == "POST" and "sok" in request.POST:
        # The search without JavaScript: the form again, as filled in, with the matching systems.
        posted = {name: request.POST.get(name, "") for name in ReportForm.base_fields}
        posted["name_withheld_from_unit"] = bool(posted["name_withheld_from_unit"])
        form = ReportForm(initial=posted, principal=p, query=query)
    else:
        form = ReportForm(request.POST or None, principal=p, query=query)
        if request.method == "POST" and form.is_valid():
            incident = call_service(form, lambda: services.incident_report(actor=request.user, **form.service_fields()))
            if incident is not None:
                return redirect("incidents:receipt", pk=incident.pk)
    return render(
        request,
        "incidents/report.html",
        {
            "form": form,
            "instruction": get_pack().incident_instruction,
            "system_choices": form.system_choices(),
            "system_query": query,
        },
    )


@require_GET
def system_choices(request: HttpRequest) -> HttpResponse:
    """The report form's system choices for a search (htmx): "Vet inte" and the matches."""
    query = request.GET.get("system_sok", "")[:100]
    # The chosen system stays among the choices whatever is searched for next.
    form = ReportForm({"system": request.GET.get("system", "")}, principal=request.principal, query=query)
    rows = form.system_choices()
    return render(request, "incidents/_system_choices.html", {"system_choices": rows, "system_query": query})


def _own(request: HttpRequest, pk: int) -> Incident:
    incident = selectors.my_reports(request.principal).filter(pk=pk).first()
    if incident is None:
        raise Http404
    return incident


def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _own(request, pk)
    return render(
        request,
        "incidents/receipt.html",
        {"incident": incident, "triage_hours": get_pack().incident_triage_hours},
    )


def mine(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.my_reports(request.principal), PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(request, "incidents/mine.html", {"page": page, "incidents": page.object_list})


# --- handläggning -----------------------------------------------------------------------------


def incident_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(may_list(p))
    units = OrgUnit.objects.filter(pk__in=selectors.incidents_visible_to(p).values("unit")).order_by("name")
    form = FilterForm(request.GET or None, units=units)
    values = form.values()
    if "unit" in values:
        values["unit"] = units.filter(pk=values["unit"]).first()
    queryset = selectors.filtered(p, **values).select_related("unit").prefetch_related("clocks__reports")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("sida"))
    severities = {s.key: s.name for s in get_pack().incident_severities}
    now = timezone.now()
    rows = [
        (incident, severities.get(incident.severity, ""), clocks.most_urgent(incident, now))
        for incident in page.object_list
    ]
    return render(
        request,
        "incidents/incident_list.html",
        {"form": form, "page": page, "rows": rows, "filtered": bool(values), "Status": Incident.Status},
    )


def _countdown(delta: datetime.timedelta) -> str:
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)s dygn", "%(n)s dygn", days) % {"n": days})
    if hours:
        parts.append(ngettext("%(n)s timme", "%(n)s timmar", hours) % {"n": hours})
    if not days and (minutes or not parts):
        parts.append(ngettext("%(n)s minut", "%(n)s minuter", minutes) % {"n": minutes})
    return " ".join(parts)


STATE_TEXT = {
    "waiting": gettext_lazy("Väntar"),
    "running": gettext_lazy("Pågår"),
    "warning": gettext_lazy("Snart ute"),
    "passed": gettext_lazy("Försenad"),
    "met": gettext_lazy("Rapporterad"),
    "not_reporting": gettext_lazy("Beslut att inte rapportera"),
    "immediately": gettext_lazy("Skyndsamt"),
}
STATE_CLASS = {"warning": "status-partial", "passed": "status-fail", "met": "status-ok", "immediately": "status-fail"}


def deadline_rows(incident: Incident, now: datetime.datetime | None = None) -> list[dict]:
    """Each clock of the pack with the handler's answer and its deadlines as the page shows them."""
    now = now or timezone.now()
    answers = {clock.key: clock for clock in incident.clocks.select_related("not_reporting_decided_by")}
    by_clock: dict[str, list] = {}
    for deadline in clocks.deadlines(incident, now=now):
        by_clock.setdefault(deadline.clock_key, []).append(deadline)
    rows = []
    for spec in get_pack().incident_clocks:
        answer = answers.get(spec["key"])
        items = []
        for deadline in by_clock.get(spec["key"], []):
            remaining = deadline.due_at - now if deadline.due_at else None
            countdown = ""
            if remaining is not None and deadline.state in ("running", "warning"):
                countdown = _("%(time)s kvar") % {"time": _countdown(remaining)}
            elif remaining is not None and deadline.state == "passed":
                countdown = _("tidsfristen gick ut för %(time)s sedan") % {"time": _countdown(remaining)}
            items.append(
                {
                    "deadline": deadline,
                    "local": clocks.local(deadline.due_at) if deadline.due_at else None,
                    "countdown": countdown,
                    "state_text": STATE_TEXT.get(deadline.state, deadline.state),
                    "state_class": STATE_CLASS.get(deadline.state, ""),
                    "open": deadline.sent is None and deadline.state not in ("not_reporting", "waiting"),
                }
            )
        rows.append(
            {
                "key": spec["key"],
                "name": spec["name"],
                "trigger": spec.get("trigger", ""),
                "recipient": spec["recipient"],
                "answer": answer,
                "deadlines": items,
                "has_deadlines": bool(spec.get("deadlines")),
                "report_url": reverse("incidents:clock_report", args=[incident.pk, spec["key"]]),
            }
        )
    return rows


def _levels(levels: dict) -> str:
    return " ".join(f"{item['aspect']}{item['number']}" for item in level_items(levels or {}))


def _set_levels(information_set) -> str:
    if information_set.security_protected:
        return _("Säkerhetsskyddsklassificerad")
    from lis.classification.models import Classification

    approved = Classification.objects.filter(information_set=information_set, status="approved").first()
    return _levels(approved.levels) if approved else _("Inte klassad")


def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    incident = selectors.incident_get(p, pk)
    if selectors.is_reporter_only(p, incident):
        return render(request, "incidents/reporter_view.html", {"incident": incident})
    handle = selectors.can_handle(p, incident)
    # The Historik names the reporter as the author of the report: not for those the reporter
    # asked not to be named to.
    tabs = TABS[:-1] if selectors.name_withheld_for(p, incident) else TABS
    tab = selected_tab(request, tabs)
    pack = get_pack()
    severities = {s.key: s.name for s in pack.incident_severities}
    context = {
        "incident": incident,
        "tab": tab,
        "tabs": tabs,
        "handle": handle,
        "Status": Incident.Status,
        "severity_name": severities.get(incident.severity, ""),
        "reporter_label": selectors.reporter_label(p, incident),
        "triage_due": incident.reported_at + datetime.timedelta(hours=pack.incident_triage_hours)
        if not incident.triaged_at
        else None,
    }
    if tab == "oversikt":
        context["systems"] = [(s, _levels(s.levels)) for s in incident.systems.select_related("unit")]
        context["information_sets"] = [(s, _set_levels(s)) for s in incident.information_sets.select_related("system")]
        context["open_deadlines"] = [
            item for row in deadline_rows(incident) for item in row["deadlines"] if item["deadline"].is_open
        ]
    elif tab == "tidslinje":
        context["entries"] = list(incident.timeline.select_related("author"))
        context["timeline_form"] = TimelineForm() if handle else None
    elif tab == "rapportering":
        context["rows"] = deadline_rows(incident)
    elif tab == "atgarder":
        context["measures"] = list(incident.measures.select_related("analysis", "responsible"))
        context["risks"] = list(incident.risks.select_related("system"))
    elif tab == "historik":
        related = [
            incident.timeline.all(),
            incident.clocks.all(),
            ReportSent.objects.filter(clock__incident=incident),
        ]
        context["history_page"], context["history"] = history_for(
            p, [incident], related=related, page=request.GET.get("sida", 1)
        )
    return render_tabbed(request, "incidents/incident_detail.html", context)


@require_http_methods(["GET", "POST"])
def triage(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _handled(request, pk)
    form = TriageForm(request.POST or None, principal=request.principal, incident=incident)
    guard_stale(form, incident, request.principal)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.incident_triage(actor=request.user, incident=incident, **form.cleaned_data)
        ):
            messages.success(request, _("Bedömningen är sparad. Svara på frågorna under Rapportering."))
            return redirect(_url(incident, "rapportering"))
    return form_page(
        request,
        form,
        title=_("Bedöm incident %(number)s") % {"number": incident.number},
        intro=_(
            "Kategori och allvarlighet enligt kommunens indelning. Välj de system och informationsmängder som berörs."
        ),
        submit=_("Spara bedömningen"),
        cancel=_url(incident),
    )


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _handled(request, pk)
    form = StatusForm(request.POST or None, incident=incident)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.status_set(actor=request.user, incident=incident, **form.cleaned_data)):
            messages.success(request, _("Status är ändrad."))
            return redirect(_url(incident))
    return form_page(
        request,
        form,
        title=_("Ändra status för incident %(number)s") % {"number": incident.number},
        intro=(
            _("Nu: %(status)s. För att avsluta incidenten skriver du vilka lärdomar den gav.")
            if "lessons_learned" in form.fields
            else _("Nu: %(status)s.")
        )
        % {"status": incident.get_status_display()},
        cancel=_url(incident),
    )


@require_http_methods(["GET", "POST"])
def gdpr(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _handled(request, pk)
    form = GdprForm(request.POST or None, instance=Incident.objects.get(pk=incident.pk))
    guard_stale(form, incident, request.principal)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in GdprForm.Meta.fields}
        if call_service(form, lambda: services.incident_update(actor=request.user, incident=incident, **fields)):
            messages.success(request, _("Uppgifterna om personuppgiftsincidenten är sparade."))
            return redirect(_url(incident))
    return form_page(
        request,
        form,
        title=_("Personuppgiftsincident: incident %(number)s") % {"number": incident.number},
        intro=_(
            "Det Integritetsskyddsmyndigheten frågar efter. Dokumentera det även när incidenten inte anmäls "
            "(dataskyddsförordningen art. 33.5)."
        ),
        cancel=_url(incident),
    )


@require_http_methods(["GET", "POST"])
def timeline_add(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _handled(request, pk)
    form = TimelineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.timeline_add(actor=request.user, incident=incident, **form.cleaned_data)
        ):
            messages.success(request, _("Händelsen är tillagd i tidslinjen."))
            return redirect(_url(incident, "tidslinje"))
    return form_page(
        request,
        form,
        title=_("Lägg till i tidslinjen: incident %(number)s") % {"number": incident.number},
        submit=_("Lägg till"),
        cancel=_url(incident, "tidslinje"),
    )


@require_POST
def clock_answer(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _handled(request, pk)
    form = ClockAnswerForm(request.POST)
    keys = {clock["key"] for clock in get_pack().incident_clocks}
    if not form.is_valid() or form.cleaned_data["key"] not in keys:
        messages.error(request, _("Svara ja eller nej på frågan."))
        return redirect(_url(incident, "rapportering"))
    try:
        services.clock_answer(actor=request.user, incident=incident, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Svaret är sparat."))
    return redirect(_url(incident, "rapportering"))


def _clock(incident: Incident, key: str) -> tuple[Clock, dict]:
    spec = next((c for c in get_pack().incident_clocks if c["key"] == key), None)
    clock = incident.clocks.filter(key=key, triggered=True).first()
    if spec is None or clock is None:
        raise Http404
    return clock, spec


@require_http_methods(["GET", "POST"])
def report_sent(request: HttpRequest, pk: int, key: str, deadline: str) -> HttpResponse:
    incident = _handled(request, pk)
    clock, spec = _clock(incident, key)
    names = {d["key"]: d["name"] for d in spec.get("deadlines", [])}
    if deadline not in names:
        raise Http404
    form = ReportSentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.report_record(actor=request.user, clock=clock, deadline=deadline, **form.cleaned_data),
        ):
            messages.success(request, _("%(report)s är registrerad som skickad.") % {"report": names[deadline]})
            return redirect(_url(incident, "rapportering"))
    return form_page(
        request,
        form,
        title=_("%(report)s till %(recipient)s: incident %(number)s")
        % {"report": names[deadline], "recipient": spec["recipient"], "number": incident.number},
        intro=_("Registrera när och hur rapporten skickades, och myndighetens referens om du fått en."),
        submit=_("Registrera som skickad"),
        cancel=_url(incident, "rapportering"),
    )


@require_http_methods(["GET", "POST"])
def not_reporting(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    incident = _handled(request, pk)
    clock, spec = _clock(incident, key)
    form = NotReportingForm(request.POST or None, principal=request.principal)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.not_reporting_decide(actor=request.user, clock=clock, **form.cleaned_data)
        ):
            messages.success(request, _("Beslutet att inte rapportera är registrerat."))
            return redirect(_url(incident, "rapportering"))
    return form_page(
        request,
        form,
        title=_("Beslut att inte rapportera till %(recipient)s") % {"recipient": spec["recipient"]},
        intro=_("Vem som beslutade och varför sparas med incidenten."),
        submit=_("Registrera beslutet"),
        cancel=_url(incident, "rapportering"),
    )


@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _handled(request, pk)
    form = MeasureForm(request.POST or None, principal=request.principal, risks=incident.risks.select_related("system"))
    form.fields.pop("evidence", None)  # an evidence file is added on the measure itself, when it is done
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, risk_services.MEASURE_FIELDS)
        fields["risks"] = list(form.cleaned_data["risks"])
        if call_service(form, lambda: services.measure_create_from(actor=request.user, incident=incident, **fields)):
            messages.success(request, _("Åtgärden är skapad i förvaltningens riskanalys och kopplad till incidenten."))
            return redirect(_url(incident, "atgarder"))
    return form_page(
        request,
        form,
        title=_("Ny åtgärd från incident %(number)s") % {"number": incident.number},
        intro=_("Åtgärden hamnar i den berörda förvaltningens aktuella informationssäkerhetsanalys."),
        cancel=_url(incident, "atgarder"),
    )


@require_http_methods(["GET", "POST"])
def risk_create(request: HttpRequest, pk: int) -> HttpResponse:
    incident = _handled(request, pk)
    systems = incident.systems.all()
    if not systems.exists():
        messages.error(request, _("Ange vilka system som berörs i bedömningen innan du lägger till en risk."))
        return redirect(_url(incident, "atgarder"))
    form = RiskForm(request.POST or None, principal=request.principal, systems=systems)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        system = fields.pop("system")
        if call_service(
            form, lambda: services.risk_add_from(actor=request.user, incident=incident, system=system, **fields)
        ):
            messages.success(request, _("Risken är tillagd i förvaltningens riskanalys och kopplad till incidenten."))
            return redirect(_url(incident, "atgarder"))
    return form_page(
        request,
        form,
        title=_("Ny risk från incident %(number)s") % {"number": incident.number},
        intro=_("Risken hamnar i den berörda förvaltningens aktuella informationssäkerhetsanalys."),
        cancel=_url(incident, "atgarder"),
    )


# --- rapporter till myndigheter -------------------------------------------------------------


def clock_report(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """What the recipient of one clock asks for, filled from the incident: a printable page, or
    with ?format=pdf a tagged PDF (PDF/UA). Protected identities are pseudonymised."""
    incident = _handled(request, pk)
    if not any(c["key"] == key for c in get_pack().incident_clocks):
        raise Http404
    content = documents.clock_report_content(incident, key)
    if request.GET.get("format") == "pdf":
        record_event("export", user=request.user, obj=incident, details={"format": "pdf/ua-1", "clock": key})
        name = _("Incident %(number)s %(recipient)s.pdf") % {
            "number": incident.number,
            "recipient": content["clock"]["short"],
        }
        response = HttpResponse(documents.clock_report_pdf(content), content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(False, name)
        return response
    return render(request, "incidents/clock_report.html", {"incident": incident, "content": content})


# --- statistik --------------------------------------------------------------------------------


def statistics(request: HttpRequest) -> HttpResponse:
    """Counts per category, förvaltning/bolag and quarter, as tables and bar charts. Handlers see
    the incidents they handle; the E-råd's members (who handle none) the whole kommun's counts,
    which name nobody."""
    p = request.principal
    handler = may_list(p)
    access.require(handler or p.has_role(*COUNCIL_ROLES))
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("ar") or this_year)
    except ValueError:
        year = this_year
    if not 2000 <= year <= 2200:
        raise Http404
    data = selectors.statistics(p, year=year) if handler else kommun_statistics(year)
    years = sorted({this_year, year, *data.get("years", [])}, reverse=True)
    return render(
        request,
        "incidents/statistics.html",
        {"year": year, "years": years, "tables": statistics_tables(data), "total": data.get("total", 0)},
    )


def kommun_statistics(year: int) -> dict:
    """The whole kommun's counts for the E-råd (no names, no texts: numbers only)."""
    from django.db.models import Count
    from django.db.models.functions import ExtractQuarter

    queryset = Incident.objects.filter(reported_at__year=year)
    by_category = queryset.values_list("category").annotate(n=Count("pk")).order_by("-n", "category")
    by_unit = queryset.values_list("unit__name").annotate(n=Count("pk")).order_by("-n", "unit__name")
    quarters = dict(
        queryset.annotate(q=ExtractQuarter("reported_at")).values_list("q").annotate(n=Count("pk")).order_by("q")
    )
    return {
        "by_category": [(c or _("Ej bedömd"), n) for c, n in by_category],
        "by_unit": [(u or _("Ingen förvaltning angiven"), n) for u, n in by_unit],
        "by_quarter": [(q, quarters.get(q, 0)) for q in (1, 2, 3, 4)],
        "total": queryset.count(),
    }


def statistics_tables(data: dict) -> list[dict]:
    """The statistics as tables with a bar chart each: (label, count) rows and the bars'
    lengths in per cent of the largest count."""
    sources = (
        ("category", _("Per kategori"), _("Kategori"), data.get("by_category", [])),
        ("unit", _("Per förvaltning/bolag"), _("Förvaltning/bolag"), data.get("by_unit", [])),
        (
            "quarter",
            _("Per kvartal"),
            _("Kvartal"),
            [(_("Kvartal %(n)s") % {"n": q}, n) for q, n in data.get("by_quarter", [])],
        ),
    )
    tables = []
    for key, title, heading, pairs in sources:
        rows = [(str(label), int(count)) for label, count in pairs]
        top = max((count for _label, count in rows), default=0)
        bars = [
            {"label": label, "count": count, "width": round(count * 260 / top) if top else 0, "y": index * 32}
            for index, (label, count) in enumerate(rows)
        ]
        tables.append(
            {
                "key": key,
                "title": title,
                "heading": heading,
                "rows": rows,
                "bars": bars,
                "height": max(len(rows), 1) * 32,
                "total": sum(count for _label, count in rows),
            }
        )
    return tables
