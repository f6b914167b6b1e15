"""The register of informationssystem (riskmatris del 1): list, detail with tabs, forms."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lis.core import access, extensions, reviews
from lis.core.forms import call_service, cleaned, guard_stale, unconfirmed
from lis.core.pack import get_pack
from lis.core.selectors import history_for
from lis.core.viewhelpers import form_copy, form_page, object_tabs, render_tabbed

from . import selectors, services
from .forms import (
    AgreementForm,
    InformationSetForm,
    ItConsultationForm,
    PartyForm,
    PlatformFilterForm,
    PlatformForm,
    SystemFilterForm,
    SystemForm,
    UserGroupForm,
    top_units,
)
from .models import Agreement, InformationSet, InformationSystem, Platform, UserGroup

# The register's own tabs; classification, risks, plans and council add theirs (informationsmängder
# and klassning, risker, SUA) and panels on the overview through lis.core.extensions.
SYSTEM_TABS = (
    ("oversikt", gettext_lazy("Översikt"), 10),
    ("roller", gettext_lazy("Roller"), 40),
    ("avtal", gettext_lazy("Avtal"), 50),
    ("historik", gettext_lazy("Historik")),
)


def _system_url(system: InformationSystem, tab: str = "") -> str:
    return reverse("systems:system_detail", args=[system.pk]) + (f"?flik={tab}" if tab else "")


def system_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    form = SystemFilterForm(request.GET or None, principal=p)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.SystemFilters(
        query=data.get("q") or "",
        unit=data.get("enhet"),
        operating_model=data.get("driftsform") or "",
        level=data.get("niva") or "",
        status=data.get("status") or "",
        completeness=data.get("komplett") or "",
        classified=data.get("klassad") or "",
        expiring=bool(data.get("avtal")),
        platform=data["plattform"].pk if data.get("plattform") else None,
        missing=data.get("saknar") or "",
        mine=data.get("ansvar") == "mina",
        review_overdue=data.get("granskning") == "forsenad",
        sort=data.get("sortera") or "namn",
    )
    page = Paginator(selectors.system_search(p, filters), 50).get_page(request.GET.get("sida"))
    pack = get_pack()
    window_end = access.today() + datetime.timedelta(days=pack.agreement_notice_window_days)
    for system in page.object_list:
        system.missing = selectors.missing_fields(system)
        system.level_items = selectors.level_items(system.levels)
        system.agreement_expiring = system.agreement_ends is not None and system.agreement_ends <= window_end
    context = {
        "form": form,
        "page": page,
        "operating_models": {o.key: o.name for o in pack.operating_models},
        "can_create": top_units(p, manage=True).exists(),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "systems/_system_results.html", context)
    return render(request, "systems/system_list.html", context)


def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    system = selectors.system_get(p, pk)
    tab, tab_context = object_tabs(request, InformationSystem, SYSTEM_TABS, system)
    pack = get_pack()
    system.level_items = selectors.level_items(system.levels)
    context = {
        "system": system,
        **tab_context,
        "pack": pack,
        "can_manage": access.can_manage_system(p, system),
        "can_approve": access.can_approve_classification(p, system),
        "missing": selectors.missing_fields(system),
        "operating_model": next((o.name for o in pack.operating_models if o.key == system.operating_model), ""),
        "levels": {level.key: level for level in pack.levels},
        "expiring": selectors.agreements_expiring(system),
        "highest_level": _highest_level(system),
        "today": access.today(),
    }
    if tab == "oversikt":
        context["documentation_review"] = {
            "review_due": system.documentation_review_due,
            "review_overdue": system.status != InformationSystem.Status.DECOMMISSIONED
            and system.documentation_review_due < context["today"],
            "reviewed_on": system.documentation_reviewed_on,
            "can_review": context["can_manage"] and system.status != InformationSystem.Status.DECOMMISSIONED,
            "review_url": reverse("systems:documentation_review", args=[system.pk]),
            "review_label": _("dokumentationen"),
            "review_id": "documentation",
        }
        context["platforms"] = selectors.platforms_of(p, system)
        context["has_sua_tab"] = any(key == "sua" for key, _label in context.get("tabs", ()))
        context["needs_it_consultation"] = system.status in selectors.ACTIVE_STATUSES and system.it_consulted_on is None
        context["can_record_consultation"] = access.speaks_for_it_unit(p)
        context["external_operation"] = bool(
            next((o.get("external", False) for o in pack.operating_models if o.key == system.operating_model), False)
        )
    if tab == "roller":
        context["groups"] = system.user_groups.select_related("contact__unit")
    elif tab == "avtal":
        context["agreements"] = list(system.agreements.select_related("counterparty"))
        for agreement in context["agreements"]:
            agreement.review_overdue = agreement.in_force(context["today"]) and agreement.review_due < context["today"]
    elif tab == "historik":
        related = [
            *system.information_sets.all(),
            *system.agreements.all(),
            *system.user_groups.all(),
            *extensions.history_related(InformationSystem, system),
        ]
        context["history_page"], context["history"] = history_for(
            p, [system, *related], page=request.GET.get("sida", 1)
        )
    return render_tabbed(request, "systems/system_detail.html", context)


def _highest_level(system: InformationSystem) -> str:
    """The key of the system's highest fastställd level (for the handling advice), or ""."""
    levels = get_pack().levels
    if system.level_rank is None or not 0 <= system.level_rank < len(levels):
        return ""
    return levels[system.level_rank].key


def _namesake_warnings(form: SystemForm, system: InformationSystem | None = None) -> list[str]:
    """A second system with the same name in the unit is allowed, after a question."""
    unit, name = form.cleaned_data.get("unit"), form.cleaned_data.get("name", "")
    if unit is None or (system is not None and (unit, name.strip().lower()) == (system.unit, system.name.lower())):
        return []
    if not selectors.namesakes(unit=unit, name=name, exclude=system).exists():
        return []
    return [
        _(
            "%(unit)s har redan ett system som heter %(name)s. Spara ändå bara om det är ett annat system, "
            "och ge det gärna ett namn som skiljer dem åt."
        )
        % {"unit": unit.name, "name": name.strip()}
    ]


@require_http_methods(["GET", "POST"])
def system_create(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(top_units(p, manage=True).exists())
    form = SystemForm(request.POST or None, principal=p, initial={"unit": request.GET.get("enhet")})
    if request.method == "POST" and form.is_valid() and not unconfirmed(form, _namesake_warnings(form)):
        system = call_service(
            form, lambda: services.system_create(actor=request.user, **cleaned(form, services.SYSTEM_FORM_FIELDS))
        )
        if system is not None:
            messages.success(request, _("%(system)s är registrerat.") % {"system": system})
            return redirect(_system_url(system))
    return form_page(request, form, title=_("Registrera informationssystem"), cancel=reverse("systems:system_list"))


@require_http_methods(["GET", "POST"])
def system_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    system = selectors.system_get(p, pk)
    access.require(access.can_manage_system(p, system))
    form = SystemForm(request.POST or None, instance=form_copy(system), principal=p)
    guard_stale(form, system, p)
    if not p.can_manage_unit(system.unit):
        # An ansvarig chef or förvaltare keeps the system up to date but does not move it or appoint.
        form.fields["unit"].queryset = type(system.unit).objects.filter(pk=system.unit_id)
        for name in services.APPOINTED_FIELDS:
            form.fields[name].disabled = True
    if request.method == "POST" and form.is_valid() and not unconfirmed(form, _namesake_warnings(form, system)):
        if call_service(
            form,
            lambda: services.system_update(
                actor=request.user, system=system, **cleaned(form, services.SYSTEM_FORM_FIELDS)
            ),
        ):
            messages.success(request, _("Ändringarna är sparade."))
            return redirect(_system_url(system))
    return form_page(request, form, title=_("Ändra %(name)s") % {"name": system.name}, cancel=_system_url(system))


@require_http_methods(["GET", "POST"])
def system_it_consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """POL-3.27: IT-enheten records when it was consulted on the system's procurement."""
    p = request.principal
    system = selectors.system_get(p, pk)
    access.require(access.speaks_for_it_unit(p))
    form = ItConsultationForm(request.POST or None, initial={"it_consulted_on": system.it_consulted_on})
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.system_record_it_consultation(
                actor=request.user, system=system, consulted_on=form.cleaned_data["it_consulted_on"]
            ),
        ):
            messages.success(request, _("Samrådet med IT-enheten är registrerat."))
            return redirect(_system_url(system))
    return form_page(
        request,
        form,
        title=_("IT-enhetens samråd om %(name)s") % {"name": system.name},
        cancel=_system_url(system),
        intro=_("Upphandling av system ska göras i samråd med kommunens IT-enhet (POL-3.27)."),
    )


# --- parts of a system ----------------------------------------------------------------------


def _managed_system(request: HttpRequest, pk: int) -> InformationSystem:
    system = selectors.system_get(request.principal, pk)
    access.require(access.can_manage_system(request.principal, system))
    return system


def _part_form(
    request: HttpRequest,
    system: InformationSystem,
    form,
    *,
    instance,
    field_names: tuple[str, ...],
    create,
    update,
    saved: str,
    tab: str,
    title: str,
) -> HttpResponse:
    """Create or edit one part of a system (information set, agreement, group) through its service."""
    guard_stale(form, instance, request.principal)
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, field_names)
        if instance is None:
            result = call_service(form, lambda: create(actor=request.user, system=system, **fields))
        else:
            result = call_service(form, lambda: update(request.user, instance, fields))
        if result is not None:
            messages.success(request, saved)
            return redirect(_system_url(system, tab))
    return form_page(request, form, title=title, cancel=_system_url(system, tab))


@require_http_methods(["GET", "POST"])
def information_set_edit(request: HttpRequest, pk: int, set_pk: int | None = None) -> HttpResponse:
    system = _managed_system(request, pk)
    instance = get_object_or_404(InformationSet, pk=set_pk, system=system) if set_pk else None
    form = InformationSetForm(request.POST or None, instance=form_copy(instance))
    if instance is not None and instance.security_protected:
        del form.fields["description"]
    return _part_form(
        request,
        system,
        form,
        instance=instance,
        field_names=services.INFORMATION_SET_FIELDS,
        create=services.information_set_create,
        update=lambda actor, obj, fields: services.information_set_update(actor=actor, information_set=obj, **fields),
        saved=_("Informationsmängden är sparad."),
        tab="informationsmangder",
        title=_("Ändra informationsmängd") if instance else _("Ny informationsmängd"),
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int, agreement_pk: int | None = None) -> HttpResponse:
    system = _managed_system(request, pk)
    instance = get_object_or_404(Agreement, pk=agreement_pk, system=system) if agreement_pk else None
    return _part_form(
        request,
        system,
        AgreementForm(request.POST or None, instance=form_copy(instance)),
        instance=instance,
        field_names=services.AGREEMENT_FIELDS,
        create=services.agreement_create,
        update=lambda actor, obj, fields: services.agreement_update(actor=actor, agreement=obj, **fields),
        saved=_("Avtalet är sparat."),
        tab="avtal",
        title=_("Ändra avtal") if instance else _("Nytt avtal"),
    )


@require_POST
def agreement_delete(request: HttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    system = _managed_system(request, pk)
    services.agreement_delete(
        actor=request.user, agreement=get_object_or_404(Agreement, pk=agreement_pk, system=system)
    )
    messages.success(request, _("Avtalet är borttaget."))
    return redirect(_system_url(system, "avtal"))


@require_http_methods(["GET", "POST"])
def user_group_edit(request: HttpRequest, pk: int, group_pk: int | None = None) -> HttpResponse:
    system = _managed_system(request, pk)
    instance = get_object_or_404(UserGroup, pk=group_pk, system=system) if group_pk else None
    # ?typ= chooses the kind of a new group; an existing group keeps its own.
    initial = {} if instance else {"kind": request.GET.get("typ")}
    form = UserGroupForm(
        request.POST or None, instance=form_copy(instance), initial=initial, principal=request.principal
    )
    return _part_form(
        request,
        system,
        form,
        instance=instance,
        field_names=services.USER_GROUP_FIELDS,
        create=services.user_group_create,
        update=lambda actor, obj, fields: services.user_group_update(actor=actor, group=obj, **fields),
        saved=_("Gruppen är sparad."),
        tab="roller",
        title=_("Ändra grupp") if instance else _("Ny användar- eller brukargrupp"),
    )


@require_POST
def user_group_delete(request: HttpRequest, pk: int, group_pk: int) -> HttpResponse:
    system = _managed_system(request, pk)
    services.user_group_delete(actor=request.user, group=get_object_or_404(UserGroup, pk=group_pk, system=system))
    messages.success(request, _("Gruppen är borttagen."))
    return redirect(_system_url(system, "roller"))


# --- parties ----------------------------------------------------------------------------------


def party_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    query = request.GET.get("q", "")[:100]
    parties = selectors.parties_visible_to(p)
    if query:
        parties = parties.filter(name__icontains=query)
    page = Paginator(parties, 50).get_page(request.GET.get("sida"))
    return render(
        request, "systems/party_list.html", {"page": page, "query": query, "can_create": access.can_manage_parties(p)}
    )


def party_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    party = selectors.party_get(p, pk)
    systems = selectors.systems_visible_to(p).filter(Q(system_owner=party) | Q(supplier=party) | Q(developer=party))
    return render(
        request,
        "systems/party_detail.html",
        {
            "party": party,
            "systems": systems[:200],
            "can_manage": p.manages_everything,
            "history": history_for(p, [party])[1],
        },
    )


@require_http_methods(["GET", "POST"])
def party_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    p = request.principal
    instance = selectors.party_get(p, pk) if pk else None
    access.require(p.manages_everything if instance else access.can_manage_parties(p))
    form = PartyForm(request.POST or None, instance=form_copy(instance))
    guard_stale(form, instance, p)
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, services.PARTY_FIELDS)
        if instance is None:
            saved = call_service(form, lambda: services.party_create(actor=request.user, **fields))
        else:
            saved = call_service(form, lambda: services.party_update(actor=request.user, party=instance, **fields))
        if saved is not None:
            messages.success(request, _("%(party)s är sparad.") % {"party": saved})
            return redirect("systems:party_detail", pk=saved.pk)
    return form_page(
        request, form, title=_("Ändra part") if instance else _("Ny part"), cancel=reverse("systems:party_list")
    )


# --- platforms (POL-3.29) ---------------------------------------------------------------------


def platform_list(request: HttpRequest) -> HttpResponse:
    """IT-enhetens platform register, the kommun-wide view for standardisation: every platform
    with its use among the systems the user may see, grouped by kind."""
    p = request.principal
    form = PlatformFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    platforms = selectors.platforms_with_usage(p)
    if data.get("typ"):
        platforms = platforms.filter(kind=data["typ"])
    if data.get("status"):
        platforms = platforms.filter(lifecycle=data["status"])
    if data.get("q"):
        platforms = platforms.filter(Q(name__icontains=data["q"]) | Q(vendor__icontains=data["q"]))
    if data.get("anvands") == "ja":
        platforms = platforms.filter(system_count__gt=0)
    elif data.get("anvands") == "nej":
        platforms = platforms.filter(Q(system_count__isnull=True) | Q(system_count=0))
    rows = list(platforms)
    kinds = dict(Platform.Kind.choices)
    groups: dict[str, list[Platform]] = {}
    for platform in rows:
        platform.system_count = platform.system_count or 0
        platform.unit_count = platform.unit_count or 0
        platform.phase_out_in_use = platform.lifecycle == Platform.Lifecycle.PHASE_OUT and platform.system_count > 0
        groups.setdefault(platform.kind, []).append(platform)
    context = {
        "form": form,
        "groups": [(kinds.get(kind, kind), items) for kind, items in groups.items()],
        "count": len(rows),
        "phase_out_in_use": [platform for platform in rows if platform.phase_out_in_use],
        "can_manage": selectors.can_manage_platforms(p),
    }
    return render(request, "systems/platform_list.html", context)


@require_http_methods(["GET", "POST"])
def platform_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    p = request.principal
    access.require(selectors.can_manage_platforms(p))
    instance = selectors.platform_get(p, pk) if pk else None
    form = PlatformForm(request.POST or None, instance=form_copy(instance))
    guard_stale(form, instance, p)
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, services.PLATFORM_FIELDS)
        if instance is None:
            saved = call_service(form, lambda: services.platform_create(actor=request.user, **fields))
        else:
            saved = call_service(
                form, lambda: services.platform_update(actor=request.user, platform=instance, **fields)
            )
        if saved is not None:
            messages.success(request, _("%(platform)s är sparad.") % {"platform": saved})
            return redirect("systems:platform_list")
    return form_page(
        request,
        form,
        title=_("Ändra plattform") if instance else _("Ny plattform"),
        cancel=reverse("systems:platform_list"),
    )


# --- recurring reviews (issue 15): "Granskad" --------------------------------------------------


@require_POST
def system_documentation_review(request: HttpRequest, pk: int) -> HttpResponse:
    system = selectors.system_get(request.principal, pk)
    return reviews.review_post(
        request,
        lambda note: (
            services.system_documentation_review(actor=request.user, system=system, note=note).documentation_review_due
        ),
        _system_url(system),
    )


@require_POST
def agreement_review(request: HttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    system = selectors.system_get(request.principal, pk)
    agreement = get_object_or_404(Agreement.objects.select_related("system"), pk=agreement_pk, system=system)
    return reviews.review_post(
        request,
        lambda note: services.agreement_review(actor=request.user, agreement=agreement, note=note).review_due,
        _system_url(system, "avtal"),
    )
