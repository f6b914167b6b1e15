"""Handlingsplaner: per förvaltning and mandatperiod, from draft to decided and followed up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access, reviews
from lis.core.changelog import record_event
from lis.core.forms import call_service, cleaned, guard_stale
from lis.core.pack import get_pack
from lis.core.policytext import parse_policy_text
from lis.core.selectors import history_for
from lis.core.uploads import document_response, too_large
from lis.core.viewhelpers import form_copy, form_page, render_tabbed, selected_tab
from lis.organisation.models import OrgUnit
from lis.organisation.services import mandate_period_for
from lis.risks.forms import AnalysisStartForm
from lis.systems import selectors as system_selectors
from lis.systems.forms import top_units

from . import documents, selectors, services
from .forms import (
    ContinuityContactForm,
    ContinuityPlanForm,
    ContinuityStepForm,
    DecisionForm,
    FollowUpForm,
    PlanForm,
    PolicyAdoptionForm,
    PolicyVersionForm,
    RoutineForm,
)
from .markdown import render_markdown
from .models import ActionPlan, ContinuityContact, ContinuityPlan, ContinuityStep, PolicyVersion, Routine

PLAN_TABS = (
    ("plan", gettext_lazy("Planen")),
    ("versioner", gettext_lazy("Beslutade versioner")),
    ("uppfoljning", gettext_lazy("Uppföljning")),
    ("historik", gettext_lazy("Historik")),
)


def _plan_url(plan: ActionPlan, tab: str = "") -> str:
    return reverse("plans:plan_detail", args=[plan.pk]) + (f"?flik={tab}" if tab else "")


def plan_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    period = mandate_period_for(access.today(), get_pack().action_plan_period_anchor)
    plans = {plan.unit_id: plan for plan in selectors.plans_visible_to(p).filter(period=period)}
    manageable = {u.pk for u in top_units(p, manage=True)}
    rows = [(unit, plans.get(unit.pk), unit.pk in manageable) for unit in top_units(p, manage=False)]
    return render(request, "plans/plan_list.html", {"rows": rows, "period": period, "can_start": bool(manageable)})


@require_http_methods(["GET", "POST"])
def plan_start(request: HttpRequest) -> HttpResponse:
    units = top_units(request.principal, manage=True)
    access.require(units.exists())
    form = AnalysisStartForm(
        request.POST or None, units=units, periods=services.plan_periods(), initial={"unit": request.GET.get("enhet")}
    )
    if request.method == "POST" and form.is_valid():
        plan = call_service(form, lambda: services.plan_start(actor=request.user, **form.cleaned_data))
        if plan is not None:
            messages.success(request, _("Handlingsplanen är påbörjad."))
            return redirect(_plan_url(plan))
    return form_page(
        request,
        form,
        title=_("Påbörja handlingsplan"),
        intro=_(
            "Planen gäller förvaltningens eller bolagets mandatperiod (POL-3.2). "
            "Under den pågående periodens sista månader, när valet är hållet, kan planen för nästa påbörjas."
        ),
        submit=_("Påbörja"),
        cancel=reverse("plans:plan_list"),
    )


# The plan page lists this many measures per section and per quarter of the tidsplan, the rest
# counted, unless the whole plan is asked for (?alla=1): a förvaltning may have thousands of
# measures. The PDF for the decision always holds everything.
SHOWN_MEASURES = 25
SHOWN_PER_QUARTER = 10


def _abridged(content: dict) -> dict:
    sections = []
    for section in content["sections"]:
        section = dict(section)
        if "measures" in section:
            section["measures_total"] = len(section["measures"])
            section["measures"] = section["measures"][:SHOWN_MEASURES]
        if "timeline" in section:
            section["timeline"] = [
                {
                    **q,
                    "more": max(0, len(q["measures"]) - SHOWN_PER_QUARTER),
                    "measures": q["measures"][:SHOWN_PER_QUARTER],
                }
                for q in section["timeline"]
            ]
            section["undated_more"] = max(0, len(section["undated"]) - SHOWN_PER_QUARTER)
            section["undated"] = section["undated"][:SHOWN_PER_QUARTER]
            section["abridged"] = bool(section["undated_more"] or any(q["more"] for q in section["timeline"]))
        sections.append(section)
    return {**content, "sections": sections}


def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    plan = selectors.plan_get(p, pk)
    tab = selected_tab(request, PLAN_TABS)
    context = {
        "plan": plan,
        "tab": tab,
        "tabs": PLAN_TABS,
        "can_manage": p.can_manage_unit(plan.unit),
        "Status": ActionPlan.Status,
    }
    if tab == "plan":
        content = services.plan_content(plan)
        context["empty"] = services.empty_sections(content)
        context["whole"] = request.GET.get("alla") == "1"
        context["content"] = content if context["whole"] else _abridged(content)
    elif tab == "versioner":
        context["versions"] = plan.versions.select_related("decision__board").defer("pdf")
    elif tab == "uppfoljning":
        context["follow_ups"] = plan.follow_ups.select_related("decision__board")
        context["statuses"] = {s.key: s.name for s in get_pack().measure_statuses}
    elif tab == "historik":
        context["history_page"], context["history"] = history_for(
            p, [plan], related=[plan.versions.all(), plan.follow_ups.all()], page=request.GET.get("sida", 1)
        )
    return render_tabbed(request, "plans/plan_detail.html", context)


def _managed_plan(request: HttpRequest, pk: int) -> ActionPlan:
    plan = selectors.plan_get(request.principal, pk)
    access.require(request.principal.can_manage_unit(plan.unit))
    return plan


@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = PlanForm(request.POST or None, plan=plan)
    guard_stale(form, plan, request.principal)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.plan_update(actor=request.user, plan=plan, sections=form.cleaned_data)):
            messages.success(request, _("Planen är sparad."))
            return redirect(_plan_url(plan))
    intro = (
        _("Ändringar i en beslutad plan blir en ny version, som beslutas på nytt.") if plan.versions.exists() else ""
    )
    return form_page(
        request,
        form,
        title=_("Ändra handlingsplan för %(unit)s") % {"unit": plan.unit.name},
        intro=intro,
        cancel=_plan_url(plan),
    )


def _act(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    plan = _managed_plan(request, pk)
    try:
        service(actor=request.user, plan=plan)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect(_plan_url(plan))


@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.plan_submit, _("Planen är skickad för beslut."))


@require_POST
def plan_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.plan_withdraw, _("Planen är tillbaka som utkast."))


@require_http_methods(["GET", "POST"])
def plan_decide(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    if plan.status != ActionPlan.Status.FOR_DECISION:
        messages.error(request, _("Skicka planen för beslut innan beslutet registreras."))
        return redirect(_plan_url(plan))
    form = DecisionForm(request.POST or None, unit=plan.unit)
    if request.method == "POST" and form.is_valid():
        version = call_service(
            form,
            lambda: services.plan_decide(
                actor=request.user, plan=plan, render_pdf=documents.plan_pdf, **form.cleaned_data
            ),
        )
        if version is not None:
            messages.success(
                request,
                _("Beslutet är registrerat. Version %(n)s är fryst med ett arkivexemplar.") % {"n": version.number},
            )
            return redirect(_plan_url(plan, "versioner"))
    return form_page(
        request,
        form,
        title=_("Registrera nämndens beslut om handlingsplanen"),
        intro=_("Planen fryses som den är nu, med ett arkivexemplar i PDF/A (BIL1-5)."),
        submit=_("Registrera beslutet"),
        cancel=_plan_url(plan),
    )


@require_http_methods(["GET", "POST"])
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_plan(request, pk)
    form = FollowUpForm(request.POST or None, unit=plan.unit, initial={"followed_up_on": access.today()})
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.follow_up_record(actor=request.user, plan=plan, **form.cleaned_data)):
            messages.success(request, _("Uppföljningen är registrerad med åtgärdernas status i dag."))
            return redirect(_plan_url(plan, "uppfoljning"))
    return form_page(
        request,
        form,
        title=_("Registrera uppföljning av handlingsplanen"),
        intro=_(
            "Nämnden följer upp planen minst en gång per mandatperiod (POL-3.3). Åtgärdernas status sparas som den är."
        ),
        submit=_("Registrera uppföljningen"),
        cancel=_plan_url(plan, "uppfoljning"),
    )


@require_GET
def version_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The archived PDF/A of a decided version, exactly as it was frozen."""
    version = selectors.version_get(request.principal, pk)
    record_event("export", user=request.user, obj=version, details={"format": "pdf/a"})
    name = _("Handlingsplan %(unit)s %(period)s version %(n)s (arkiv).pdf") % {
        "unit": version.plan.unit.short_name,
        "period": version.plan.period,
        "n": version.number,
    }
    response = HttpResponse(bytes(version.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def plan_draft_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan as it is now, marked "Förslag", for the nämnd to decide on (a decided plan's
    document is its archived version)."""
    plan = selectors.plan_get(request.principal, pk)
    if plan.status == ActionPlan.Status.DECIDED:
        raise Http404
    pdf = documents.plan_draft_pdf(plan, services.plan_content(plan))
    record_event("export", user=request.user, obj=plan, details={"format": "pdf/ua-1", "draft": True})
    name = _("Handlingsplan %(unit)s %(period)s version %(n)s (förslag).pdf") % {
        "unit": plan.unit.short_name or plan.unit.name,
        "period": plan.period,
        "n": plan.version,
    }
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


def plan_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two decided versions, or a decided version and the current text, side by side."""
    plan = selectors.plan_get(request.principal, pk)
    versions = {v.number: v for v in plan.versions.defer("pdf")}
    if not versions:
        raise Http404

    def pick(name: str, default: int | None):
        raw = request.GET.get(name, "")
        number = int(raw) if raw.isdigit() and len(raw) < 6 else default
        if number in versions:
            return number, _("Version %(n)s (beslutad)") % {"n": number}, versions[number].content
        if number == plan.version and plan.status != ActionPlan.Status.DECIDED:
            return number, _("Version %(n)s (pågående)") % {"n": number}, services.plan_content(plan)
        raise Http404

    newest = max(versions)
    left = pick("a", newest - 1 if newest - 1 in versions else newest)
    right = pick("b", plan.version)
    rows = [(a, b, a != b) for a, b in zip(left[2]["sections"], right[2]["sections"], strict=False)]
    return render(
        request,
        "plans/plan_compare.html",
        {"plan": plan, "left": left, "right": right, "rows": rows, "choices": sorted({*versions, plan.version})},
    )


# --- Handlingsplan IT – kontinuitet och drift -----------------------------------------------


def continuity_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    plans = selectors.continuity_plans_visible_to(p)
    it_units = OrgUnit.objects.filter(function=OrgUnit.Function.IT)
    can_create = not any(plan.system_id is None for plan in plans) and any(
        access.can_manage_continuity(p, ContinuityPlan(owner_unit=unit)) for unit in it_units
    )
    return render(request, "plans/continuity_list.html", {"plans": plans, "can_create": can_create})


@require_http_methods(["GET", "POST"])
def continuity_create(request: HttpRequest) -> HttpResponse:
    """The overall IT plan (owned by IT-enheten), or ?system=<pk>: a plan for one system."""
    p = request.principal
    system = None
    raw = request.GET.get("system", "")
    if raw:
        if not (raw.isdigit() and len(raw) < 12):
            raise Http404
        system = system_selectors.system_get(p, int(raw))
        owner = system.unit
        title = _("Kontinuitetsplan för %(system)s") % {"system": system.name}
    else:
        owner = OrgUnit.objects.filter(function=OrgUnit.Function.IT).first()
        if owner is None:
            raise Http404
        title = _("Handlingsplan IT – kontinuitet och drift")
    access.require(access.can_manage_continuity(p, ContinuityPlan(owner_unit=owner, system=system)))
    if request.method == "POST":
        try:
            plan = services.continuity_plan_create(actor=request.user, owner_unit=owner, system=system, title=title)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("plans:continuity_list")
        messages.success(request, _("Planen är skapad. Fyll i avsnitten."))
        return redirect("plans:continuity_detail", pk=plan.pk)
    return render(request, "plans/continuity_create.html", {"title": title, "owner": owner, "system": system})


def _continuity_context(request: HttpRequest, plan: ContinuityPlan) -> dict:
    p = request.principal
    steps = plan.steps.select_related("responsible")
    contacts = plan.contacts.select_related("person")
    sections = []
    for section in get_pack().continuity_sections:
        entry = {"key": section.key, "name": section.name, "text": plan.sections.get(section.key, "")}
        if section.get("steps"):
            entry["steps"] = [s for s in steps if s.section == section.key]
        if section.get("contacts"):
            entry["contacts"] = [
                (
                    c,
                    access.person_label(p, c.person),
                    c.person.phone if access.person_label(p, c.person) == str(c.person) else "",
                )
                for c in contacts
            ]
        sections.append(entry)
    return {
        "plan": plan,
        "sections": sections,
        "empty": services.continuity_empty_sections(plan),
        "overdue": plan.review_due < access.today(),
        "municipality": get_pack().municipality_name,
    }


def continuity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    plan = selectors.continuity_plan_get(p, pk)
    context = _continuity_context(request, plan) | {"can_manage": access.can_manage_continuity(p, plan)}
    context["review"] = {
        "review_due": plan.review_due,
        "review_overdue": context["overdue"],
        "reviewed_on": plan.reviewed_on,
        "can_review": context["can_manage"],
        "review_url": reverse("plans:continuity_review", args=[plan.pk]),
        "review_label": plan.title,
        "review_id": "continuity",
    }
    context["history_page"], context["history"] = history_for(
        p, [plan, *plan.steps.all(), *plan.contacts.all()], page=request.GET.get("sida", 1)
    )
    return render(request, "plans/continuity_detail.html", context)


@require_GET
def continuity_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The plan printed for an outage: kept on paper or offline, so it works when LIS does not."""
    plan = selectors.continuity_plan_get(request.principal, pk)
    pdf = documents.continuity_pdf(request.principal, plan, _continuity_context(request, plan)["sections"])
    record_event("export", user=request.user, obj=plan, details={"format": "pdf"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{plan.title}.pdf")
    response["Cache-Control"] = "no-store"
    return response


def _managed_continuity(request: HttpRequest, pk: int) -> ContinuityPlan:
    plan = selectors.continuity_plan_get(request.principal, pk)
    access.require(access.can_manage_continuity(request.principal, plan))
    return plan


def _continuity_url(plan: ContinuityPlan) -> str:
    return reverse("plans:continuity_detail", args=[plan.pk])


@require_http_methods(["GET", "POST"])
def continuity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _managed_continuity(request, pk)
    form = ContinuityPlanForm(request.POST or None, plan=plan)
    guard_stale(form, plan, request.principal)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fields = {name: data.pop(name) for name in services.CONTINUITY_FIELDS}
        if call_service(
            form, lambda: services.continuity_plan_update(actor=request.user, plan=plan, sections=data, **fields)
        ):
            messages.success(request, _("Planen är sparad."))
            return redirect(_continuity_url(plan))
    return form_page(request, form, title=_("Ändra %(plan)s") % {"plan": plan.title}, cancel=_continuity_url(plan))


@require_http_methods(["GET", "POST"])
def continuity_step_edit(request: HttpRequest, pk: int, step_pk: int | None = None) -> HttpResponse:
    plan = _managed_continuity(request, pk)
    step = get_object_or_404(ContinuityStep, pk=step_pk, plan=plan) if step_pk else None
    form = ContinuityStepForm(
        request.POST or None,
        instance=form_copy(step),
        principal=request.principal,
        initial={"section": request.GET.get("avsnitt")},
    )
    guard_stale(form, step, request.principal)
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, ("section", "order", "text", "responsible"))
        if call_service(
            form, lambda: services.continuity_step_save(actor=request.user, plan=plan, step=step, **fields)
        ):
            messages.success(request, _("Steget är sparat."))
            return redirect(_continuity_url(plan))
    return form_page(request, form, title=_("Ändra steg") if step else _("Nytt steg"), cancel=_continuity_url(plan))


@require_http_methods(["GET", "POST"])
def continuity_contact_edit(request: HttpRequest, pk: int, contact_pk: int | None = None) -> HttpResponse:
    plan = _managed_continuity(request, pk)
    contact = get_object_or_404(ContinuityContact, pk=contact_pk, plan=plan) if contact_pk else None
    form = ContinuityContactForm(request.POST or None, instance=form_copy(contact), principal=request.principal)
    guard_stale(form, contact, request.principal)
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, ("person", "role", "order"))
        if call_service(
            form, lambda: services.continuity_contact_save(actor=request.user, plan=plan, contact=contact, **fields)
        ):
            messages.success(request, _("Kontaktpersonen är sparad."))
            return redirect(_continuity_url(plan))
    return form_page(
        request,
        form,
        title=_("Ändra kontaktperson") if contact else _("Ny kontaktperson"),
        cancel=_continuity_url(plan),
    )


@require_POST
def continuity_part_delete(request: HttpRequest, pk: int, kind: str, part_pk: int) -> HttpResponse:
    plan = _managed_continuity(request, pk)
    model = {"steg": ContinuityStep, "kontakt": ContinuityContact}.get(kind)
    if model is None:
        raise Http404
    services.continuity_part_delete(actor=request.user, part=get_object_or_404(model, pk=part_pk, plan=plan))
    messages.success(request, _("Borttaget."))
    return redirect(_continuity_url(plan))


# --- rutiner och riktlinjer -------------------------------------------------------------------


def routine_list(request: HttpRequest) -> HttpResponse:
    services.routines_ensure_required()
    routines = list(selectors.routines_for(request.principal).order_by("-key", "name"))
    today = access.today()
    for routine in routines:
        routine.review_overdue = routine.status == Routine.Status.ADOPTED and bool(
            routine.next_review and routine.next_review < today
        )
    return render(
        request,
        "plans/routine_list.html",
        {
            "required": [r for r in routines if r.required],
            "local": [r for r in routines if not r.required],
            "can_create": bool(top_units(request.principal, manage=True).exists()),
        },
    )


def routine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    routine = selectors.routine_get(p, pk)
    history_page, history = history_for(p, [routine], page=request.GET.get("sida", 1))
    return render(
        request,
        "plans/routine_detail.html",
        {
            "routine": routine,
            "content": render_markdown(routine.content),
            "can_manage": access.can_manage_routine(p, routine),
            "review": {
                "review_due": routine.next_review,
                "review_overdue": routine.is_review_overdue(access.today()),
                "reviewed_on": routine.last_reviewed_on,
                "can_review": routine.status == Routine.Status.ADOPTED and access.can_manage_routine(p, routine),
                "review_url": reverse("plans:routine_review", args=[routine.pk]),
                "review_label": routine.name,
                "review_id": "routine",
            },
            "history_page": history_page,
            "history": history,
        },
    )


def _routine_form(request: HttpRequest, routine: Routine | None) -> HttpResponse:
    p = request.principal
    form = RoutineForm(request.POST or None, request.FILES or None, instance=form_copy(routine), principal=p)
    guard_stale(form, routine, p)
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, services.ROUTINE_FIELDS)
        upload = form.cleaned_data.get("file")
        if upload is not None and (message := too_large(upload.size)):
            form.add_error("file", message)
        else:
            data = (upload.name, upload.read()) if upload is not None else None
            if routine is None:
                result = call_service(form, lambda: services.routine_create(actor=request.user, upload=data, **fields))
            else:
                result = call_service(
                    form, lambda: services.routine_update(actor=request.user, routine=routine, upload=data, **fields)
                )
            if result is not None:
                messages.success(request, _("Rutinen är sparad."))
                return redirect("plans:routine_detail", pk=result.pk)
    cancel = reverse("plans:routine_detail", args=[routine.pk]) if routine else reverse("plans:routine_list")
    return render(
        request,
        "plans/routine_form.html",
        {
            "form": form,
            "title": _("Ändra %(name)s") % {"name": routine.name} if routine else _("Ny lokal rutin"),
            "cancel": cancel,
        },
    )


@require_http_methods(["GET", "POST"])
def routine_create(request: HttpRequest) -> HttpResponse:
    access.require(top_units(request.principal, manage=True).exists())
    return _routine_form(request, None)


@require_http_methods(["GET", "POST"])
def routine_edit(request: HttpRequest, pk: int) -> HttpResponse:
    routine = selectors.routine_get(request.principal, pk)
    access.require(access.can_manage_routine(request.principal, routine))
    return _routine_form(request, routine)


@require_http_methods(["GET", "POST"])
def routine_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    routine = selectors.routine_get(request.principal, pk)
    access.require(access.can_manage_routine(request.principal, routine))
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.routine_adopt(actor=request.user, routine=routine, **form.cleaned_data)):
            messages.success(request, _("Rutinen är antagen."))
            return redirect("plans:routine_detail", pk=routine.pk)
    return form_page(
        request,
        form,
        title=_("Registrera beslut om att anta %(name)s") % {"name": routine.name},
        submit=_("Registrera beslutet"),
        cancel=reverse("plans:routine_detail", args=[routine.pk]),
    )


@require_GET
def routine_file(request: HttpRequest, pk: int) -> HttpResponse:
    routine = selectors.routine_get(request.principal, pk)
    if not routine.file:
        raise Http404
    return document_response(
        routine.file, kind=routine.file_type, name=routine.file_name or f"rutin.{routine.file_type}"
    )


# --- IT- och informationssäkerhetspolicyn (POL-2.4, POL-3.7) -----------------------------------


def _policy_page(request: HttpRequest, version: PolicyVersion | None) -> HttpResponse:
    current = selectors.policy_current()
    return render(
        request,
        "plans/policy.html",
        {
            "version": version,
            "current": current,
            "is_current": version is not None and version == current,
            "blocks": parse_policy_text(version.text) if version is not None else [],
            "can_publish": access.can_publish_policy(request.principal),
        },
    )


@login_not_required
@require_GET
def policy(request: HttpRequest) -> HttpResponse:
    """POL-2.4: the policy in force, reachable from every page, even before logging in."""
    return _policy_page(request, selectors.policy_current())


@login_not_required
@require_GET
def policy_version(request: HttpRequest, pk: int) -> HttpResponse:
    """A published version, in force or earlier, at its own address."""
    return _policy_page(request, selectors.policy_version_get(pk))


@login_not_required
@require_GET
def policy_version_list(request: HttpRequest) -> HttpResponse:
    versions = list(selectors.policy_versions().defer("text"))
    return render(
        request,
        "plans/policy_versions.html",
        {"versions": versions, "can_publish": access.can_publish_policy(request.principal)},
    )


@require_http_methods(["GET", "POST"])
def policy_publish(request: HttpRequest) -> HttpResponse:
    access.require(access.can_publish_policy(request.principal))
    current = selectors.policy_current()
    initial = {"title": current.title, "text": current.text} if current else {"title": get_pack().policy_title}
    form = PolicyVersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        version = call_service(form, lambda: services.policy_version_publish(actor=request.user, **form.cleaned_data))
        if version is not None:
            messages.success(
                request, _("Version %(label)s av policyn är publicerad och gäller nu.") % {"label": version.label}
            )
            return redirect("policy:current")
    return form_page(
        request,
        form,
        title=_("Publicera en ny version av policyn"),
        intro=_(
            "Publicera den text som kommunfullmäktige har antagit, med beslutet. Versionen gäller från "
            "publiceringen; tidigare versioner finns kvar att läsa."
        ),
        submit=_("Publicera"),
        cancel=reverse("policy:versions"),
    )


@require_http_methods(["GET", "POST"])
def policy_adoption(request: HttpRequest, pk: int) -> HttpResponse:
    """Record kommunfullmäktige's decision for a version published without it."""
    access.require(access.can_publish_policy(request.principal))
    version = selectors.policy_version_get(pk)
    if version.decision_id is not None:
        messages.info(request, _("Beslutet om att anta versionen är redan registrerat."))
        return redirect("policy:version", pk=version.pk)
    form = PolicyAdoptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.policy_version_record_adoption(actor=request.user, version=version, **form.cleaned_data),
        ):
            messages.success(request, _("Beslutet om att anta policyn är registrerat."))
            return redirect("policy:version", pk=version.pk)
    return form_page(
        request,
        form,
        title=_("Registrera beslutet om att anta version %(label)s") % {"label": version.label},
        submit=_("Registrera beslutet"),
        cancel=reverse("policy:version", args=[version.pk]),
    )


# --- recurring reviews (issue 15): "Granskad" --------------------------------------------------


@require_POST
def continuity_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.continuity_plan_get(request.principal, pk)
    return reviews.review_post(
        request,
        lambda note: services.continuity_plan_review(actor=request.user, plan=plan, note=note).review_due,
        _continuity_url(plan),
    )


@require_POST
def routine_review(request: HttpRequest, pk: int) -> HttpResponse:
    routine = selectors.routine_get(request.principal, pk)
    return reviews.review_post(
        request,
        lambda note: services.routine_review(actor=request.user, routine=routine, note=note).next_review,
        reverse("plans:routine_detail", args=[routine.pk]),
    )
