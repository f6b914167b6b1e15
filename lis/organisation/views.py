"""Organisation pages: units, boards, people, role assignments, mandate periods.

Thin: parse, call one selector or service, render. Every form works without JavaScript;
htmx only swaps tab panels and search results."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access, jobs, mfa
from lis.core.forms import EndForm, MfaResetForm, call_service, cleaned, guard_stale
from lis.core.job_views import prepared_page
from lis.core.selectors import history_for
from lis.core.viewhelpers import form_copy, form_page, object_tabs, render_tabbed, selected_tab

from . import hr_sync as sync
from . import selectors, services
from .forms import (
    BoardForm,
    HrSyncForm,
    LoginCreateForm,
    PersonForm,
    PersonSearchForm,
    RoleAssignmentForm,
    UnitForm,
)
from .models import MandatePeriod, OrgUnit, Person, Role

OVERVIEW = ("oversikt", gettext_lazy("Översikt"))
HISTORY = ("historik", gettext_lazy("Historik"))
UNIT_TABS = (OVERVIEW, ("personer", gettext_lazy("Personer")), ("roller", gettext_lazy("Roller")), HISTORY)
BOARD_TABS = (OVERVIEW, ("ledamoter", gettext_lazy("Ledamöter")), HISTORY)
PERSON_TABS = (OVERVIEW, ("roller", gettext_lazy("Roller")), HISTORY)


# --- units ----------------------------------------------------------------------------------


def unit_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    show_ended = request.GET.get("upphorda") == "1"
    return render(
        request,
        "organisation/unit_list.html",
        {
            "units": selectors.unit_tree(p, include_ended=show_ended),
            "show_ended": show_ended,
            "can_create": access.can_manage_organisation(p) or bool(p.managed_unit_paths),
        },
    )


def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    unit = selectors.unit_get(p, pk)
    tab, tab_context = object_tabs(request, OrgUnit, UNIT_TABS, unit)
    context = {
        "unit": unit,
        **tab_context,
        "can_manage": p.can_manage_unit(unit),
        "can_end": access.can_manage_organisation(p),
    }
    if tab == "oversikt":
        context["children"] = selectors.units_visible_to(p).filter(parent=unit).filter(selectors.active_q())
    elif tab == "personer":
        page = Paginator(selectors.people_search(p, unit=unit), 50).get_page(request.GET.get("sida"))
        context["page"] = page
    elif tab == "roller":
        context["assignments"] = selectors.role_assignments_visible_to(p).filter(unit=unit).order_by("role")
    elif tab == "historik":
        context["history_page"], context["history"] = history_for(p, [unit], page=request.GET.get("sida", 1))
    return render_tabbed(request, "organisation/unit_detail.html", context)


@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(access.can_manage_organisation(p) or bool(p.managed_unit_paths))
    initial = {"parent": request.GET.get("parent"), "kind": OrgUnit.Kind.UNIT if request.GET.get("parent") else None}
    form = UnitForm(request.POST or None, principal=p, initial=initial)
    if request.method == "POST" and form.is_valid():
        unit = call_service(
            form, lambda: services.unit_create(actor=request.user, **cleaned(form, services.UNIT_FIELDS))
        )
        if unit is not None:
            messages.success(request, _("%(unit)s har skapats.") % {"unit": unit})
            return redirect("organisation:unit_detail", pk=unit.pk)
    return form_page(request, form, title=_("Ny organisatorisk enhet"), cancel=reverse("organisation:unit_list"))


@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    unit = selectors.unit_get(p, pk)
    access.require(p.can_manage_unit(unit))
    form = UnitForm(request.POST or None, instance=form_copy(unit), principal=p)
    guard_stale(form, unit, p)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.unit_update(actor=request.user, unit=unit, **cleaned(form, services.UNIT_FIELDS))
        ):
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("organisation:unit_detail", pk=unit.pk)
    return form_page(
        request,
        form,
        title=_("Ändra %(name)s") % {"name": unit.name},
        cancel=reverse("organisation:unit_detail", args=[unit.pk]),
    )


@require_http_methods(["GET", "POST"])
def unit_end(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    unit = selectors.unit_get(p, pk)
    access.require(access.can_manage_organisation(p))
    form = EndForm(request.POST or None, initial={"ended_on": access.today()})
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.unit_end(actor=request.user, unit=unit, ended_on=form.cleaned_data["ended_on"])
        ):
            messages.success(request, _("%(unit)s är avslutad.") % {"unit": unit})
            return redirect("organisation:unit_detail", pk=unit.pk)
    return form_page(
        request,
        form,
        title=_("Avsluta %(name)s") % {"name": unit.name},
        cancel=reverse("organisation:unit_detail", args=[unit.pk]),
        submit=_("Avsluta"),
        intro=_("Enheten finns kvar i historiken men visas inte längre som aktiv."),
    )


# --- boards ---------------------------------------------------------------------------------


def board_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    boards = selectors.boards_visible_to(p).filter(selectors.active_q()).prefetch_related("governed_units")
    return render(
        request,
        "organisation/board_list.html",
        {
            "boards": boards,
            "can_create": access.can_manage_organisation(p),
        },
    )


def board_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    board = selectors.board_get(p, pk)
    tab = selected_tab(request, BOARD_TABS)
    context = {"board": board, "tab": tab, "tabs": BOARD_TABS, "can_manage": access.can_manage_organisation(p)}
    if tab == "oversikt":
        context["units"] = selectors.units_visible_to(p).filter(governing_board=board)
    elif tab == "ledamoter":
        context["assignments"] = selectors.role_assignments_visible_to(p).filter(board=board)
    else:
        context["history_page"], context["history"] = history_for(p, [board], page=request.GET.get("sida", 1))
    return render_tabbed(request, "organisation/board_detail.html", context)


@require_http_methods(["GET", "POST"])
def board_create(request: HttpRequest) -> HttpResponse:
    access.require(access.can_manage_organisation(request.principal))
    form = BoardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        board = call_service(
            form, lambda: services.board_create(actor=request.user, **cleaned(form, services.BOARD_FIELDS))
        )
        if board is not None:
            messages.success(request, _("%(board)s har skapats.") % {"board": board})
            return redirect("organisation:board_detail", pk=board.pk)
    return form_page(request, form, title=_("Ny nämnd eller styrelse"), cancel=reverse("organisation:board_list"))


@require_http_methods(["GET", "POST"])
def board_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    board = selectors.board_get(p, pk)
    access.require(access.can_manage_organisation(p))
    form = BoardForm(request.POST or None, instance=form_copy(board))
    guard_stale(form, board, p)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.board_update(actor=request.user, board=board, **cleaned(form, services.BOARD_FIELDS))
        ):
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("organisation:board_detail", pk=board.pk)
    return form_page(
        request,
        form,
        title=_("Ändra %(name)s") % {"name": board.name},
        cancel=reverse("organisation:board_detail", args=[board.pk]),
    )


@require_http_methods(["GET", "POST"])
def board_end(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    board = selectors.board_get(p, pk)
    access.require(access.can_manage_organisation(p))
    form = EndForm(request.POST or None, initial={"ended_on": access.today()})
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.board_end(actor=request.user, board=board, ended_on=form.cleaned_data["ended_on"])
        ):
            messages.success(request, _("%(board)s är avslutad.") % {"board": board})
            return redirect("organisation:board_list")
    return form_page(
        request,
        form,
        title=_("Avsluta %(name)s") % {"name": board.name},
        cancel=reverse("organisation:board_detail", args=[board.pk]),
        submit=_("Avsluta"),
    )


# --- people ---------------------------------------------------------------------------------


def person_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    form = PersonSearchForm(request.GET or None, principal=p)
    filters = form.cleaned_data if form.is_valid() else {}
    people = selectors.people_search(
        p,
        query=filters.get("q") or "",
        unit=filters.get("unit"),
        include_ended=bool(filters.get("ended")),
    )
    page = Paginator(people, 50).get_page(request.GET.get("sida"))
    context = {
        "form": form,
        "page": page,
        "can_create": p.manages_everything or p.has_role("hr") or bool(p.managed_unit_paths),
        "can_sync": sync.may_sync(p),
    }
    if request.htmx and request.htmx.target == "results":
        return render(request, "organisation/_person_results.html", context)
    return render(request, "organisation/person_list.html", context)


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    person = selectors.person_get(p, pk)
    tab, tab_context = object_tabs(request, Person, PERSON_TABS, person)
    withheld = access.identity_withheld(p, person)
    context = {
        "can_create_login": p.has_role("administrator") and person.user_id is None and person.is_active,
        # A lost phone or key: an administrator removes another login's second factors (lis.core.mfa).
        "can_reset_mfa": p.has_role("administrator")
        and person.user_id is not None
        and person.user_id != request.user.pk
        and mfa.authenticators(person.user),
        "person": person,
        **tab_context,
        "can_manage": access.can_manage_person(p, person=person) and not withheld,
        "withheld": withheld,
        # The anställningsnummer: for those who manage the person; of a skyddad identitet only HR's
        # and administrators' (POL-3.30).
        "show_employee_number": access.can_manage_person(p, person=person)
        and (not person.protected_identity or p.sees_protected_identities),
        "hr_manager": person.manager if person.manager_id and not withheld else None,
    }
    assignments = [] if withheld else list(person.roles.select_related("unit", "board").order_by("-starts_on"))
    if tab == "roller":
        context["assignments"] = assignments
        context["can_assign"] = access.can_appoint(p)
        # Nobody gives themselves a role.
        context["can_assign_person"] = context["can_assign"] and person.is_active and person != p.person
    elif tab == "historik":
        context["history_page"], context["history"] = history_for(
            p, [person, *assignments], page=request.GET.get("sida", 1)
        )
    return render_tabbed(request, "organisation/person_detail.html", context)


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(p.manages_everything or p.has_role("hr") or bool(p.managed_unit_paths))
    form = PersonForm(request.POST or None, principal=p, initial={"unit": request.GET.get("unit")})
    if request.method == "POST" and form.is_valid():
        person = call_service(
            form, lambda: services.person_create(actor=request.user, **cleaned(form, services.PERSON_FIELDS))
        )
        if person is not None:
            messages.success(request, _("Personen har lagts till."))
            return redirect("organisation:person_detail", pk=person.pk)
    return form_page(request, form, title=_("Ny person"), cancel=reverse("organisation:person_list"))


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    person = selectors.person_get(p, pk)
    access.require(
        access.can_manage_person(p, person=person) and (not person.protected_identity or p.sees_protected_identities)
    )
    form = PersonForm(request.POST or None, instance=form_copy(person), principal=p)
    guard_stale(form, person, p)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.person_update(actor=request.user, person=person, **cleaned(form, services.PERSON_FIELDS)),
        ):
            messages.success(request, _("Ändringarna är sparade."))
            return redirect("organisation:person_detail", pk=person.pk)
    return form_page(request, form, title=_("Ändra person"), cancel=reverse("organisation:person_detail", args=[pk]))


@require_http_methods(["GET", "POST"])
def person_end(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    person = selectors.person_get(p, pk)
    access.require(
        access.can_manage_person(p, person=person) and (not person.protected_identity or p.sees_protected_identities)
    )
    form = EndForm(request.POST or None, initial={"ended_on": access.today()})
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.person_end(actor=request.user, person=person, ended_on=form.cleaned_data["ended_on"])
        ):
            messages.success(request, _("Personen är markerad som slutad och rollerna är avslutade."))
            return redirect("organisation:person_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Avsluta anställning eller uppdrag"),
        cancel=reverse("organisation:person_detail", args=[pk]),
        submit=_("Avsluta"),
        intro=_("Personens alla pågående roller avslutas samma dag."),
    )


@require_http_methods(["GET", "POST"])
def person_login(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.principal, pk)
    access.require(request.principal.has_role("administrator"))
    form = LoginCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = call_service(
            form, lambda: services.person_login_create(actor=request.user, person=person, **form.cleaned_data)
        )
        if created is not None:
            messages.success(request, _("Inloggningen %(name)s är skapad.") % {"name": created.username})
            return redirect("organisation:person_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Skapa inloggning"),
        submit=_("Skapa inloggning"),
        cancel=reverse("organisation:person_detail", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
def person_mfa_reset(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.person_get(request.principal, pk)
    access.require(request.principal.has_role("administrator") and person.user_id is not None)
    form = MfaResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        removed = call_service(
            form, lambda: mfa.mfa_reset(actor=request.user, user=person.user, reason=form.cleaned_data["reason"])
        )
        if removed is not None:
            messages.success(
                request,
                _("Tvåstegsverifieringen för %(name)s är återställd. Personen lägger till en ny vid nästa inloggning.")
                % {"name": person.user.get_username()},
            )
            return redirect("organisation:person_detail", pk=pk)
    return form_page(
        request,
        form,
        title=_("Återställ tvåstegsverifiering"),
        intro=_(
            "Alla appar, säkerhetsnycklar och reservkoder för inloggningen %(name)s tas bort. Gör det bara när du "
            "har kontrollerat personens identitet, t.ex. när en telefon har tappats."
        )
        % {"name": person.user.get_username()},
        submit=_("Återställ"),
        cancel=reverse("organisation:person_detail", args=[pk]),
    )


# --- role assignments -----------------------------------------------------------------------


def role_list(request: HttpRequest) -> HttpResponse:
    p = request.principal
    role = request.GET.get("roll", "")
    assignments = selectors.role_assignments_visible_to(p).order_by(
        "role", "unit__name", *access.person_ordering(p, "person__")
    )
    if role in Role.values:
        assignments = assignments.filter(role=role)
    page = Paginator(assignments, 100).get_page(request.GET.get("sida"))
    return render(
        request,
        "organisation/role_list.html",
        {
            "page": page,
            "roles": Role.choices,
            "selected_role": role,
            "can_assign": access.can_appoint(p),
        },
    )


@require_http_methods(["GET", "POST"])
def role_assign(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(access.can_appoint(p))
    initial = {key: request.GET.get(key) for key in ("person", "unit", "role", "board") if request.GET.get(key)}
    initial["starts_on"] = access.today()
    form = RoleAssignmentForm(request.POST or None, principal=p, initial=initial)
    if request.method == "POST" and form.is_valid():
        assignment = call_service(
            form, lambda: services.role_assign(actor=request.user, **cleaned(form, services.ROLE_FIELDS))
        )
        if assignment is not None:
            messages.success(request, _("Rollen %(role)s är tilldelad.") % {"role": assignment.get_role_display()})
            return redirect(reverse("organisation:person_detail", args=[assignment.person_id]) + "?flik=roller")
    return form_page(request, form, title=_("Tilldela roll"), cancel=reverse("organisation:role_list"))


@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    assignment = selectors.role_assignment_get(p, pk)
    access.require(access.can_change_role_assignment(p, assignment))
    form = RoleAssignmentForm(request.POST or None, instance=form_copy(assignment), principal=p)
    guard_stale(form, assignment, p)
    if request.method == "POST" and form.is_valid():
        fields = cleaned(form, services.ROLE_FIELDS)
        if call_service(
            form, lambda: services.role_assignment_update(actor=request.user, assignment=assignment, **fields)
        ):
            messages.success(request, _("Ändringarna är sparade."))
            return redirect(reverse("organisation:person_detail", args=[assignment.person_id]) + "?flik=roller")
    return form_page(
        request,
        form,
        title=_("Ändra roll"),
        cancel=reverse("organisation:person_detail", args=[assignment.person_id]) + "?flik=roller",
    )


@require_http_methods(["GET", "POST"])
def role_end(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    assignment = selectors.role_assignment_get(p, pk)
    access.require(access.can_change_role_assignment(p, assignment))
    form = EndForm(request.POST or None, initial={"ended_on": access.today()})
    back = reverse("organisation:person_detail", args=[assignment.person_id]) + "?flik=roller"
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.role_assignment_end(
                actor=request.user, assignment=assignment, ends_on=form.cleaned_data["ended_on"]
            ),
        ):
            messages.success(request, _("Rollen är avslutad."))
            return redirect(back)
    return form_page(
        request, form, title=_("Avsluta roll: %(role)s") % {"role": assignment}, cancel=back, submit=_("Avsluta")
    )


# --- mandate periods ------------------------------------------------------------------------


def mandate_period_list(request: HttpRequest) -> HttpResponse:
    current = [services.current_mandate_period(anchor) for anchor in MandatePeriod.Anchor.values]
    return render(
        request,
        "organisation/mandate_period_list.html",
        {
            "current": current,
            "periods": selectors.mandate_periods(),
        },
    )


# --- people from the HR system ----------------------------------------------------------------


def _require_sync(request: HttpRequest) -> None:
    access.require(
        sync.may_sync(request.principal), _("Bara administratörer och HR läser in personer från HR-systemet.")
    )


@require_http_methods(["GET", "POST"])
def hr_sync(request: HttpRequest) -> HttpResponse:
    """Upload the HR system's export; the review shows what would change before anything does."""
    _require_sync(request)
    form = HrSyncForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = sync.PENDING.store(form.data_bytes, user=request.user, filename=form.cleaned_data["file"].name)
        return redirect(sync.review_url(token, end_missing=form.cleaned_data["end_missing"]))
    return render(request, "organisation/hr_sync.html", {"form": form})


@require_GET
def hr_sync_review(request: HttpRequest, token: str) -> HttpResponse:
    """The dry run, on the worker (hr_sync.review_job): what the inläsning would do, and every
    problem, before anything is written. Until it is done, the job page shows its progress."""
    _require_sync(request)
    upload = sync.PENDING.load(token, user=request.user)
    if upload is None:
        return render(request, "organisation/hr_sync_missing.html", status=404)
    end_missing = request.GET.get("slut") == "1"
    return prepared_page(
        request,
        kind=sync.REVIEW_JOB,
        params={"token": upload.token, "end_missing": end_missing},
        template="organisation/hr_sync_review.html",
        context={"token": upload.token, "end_missing": end_missing},
    )


@require_POST
def hr_sync_apply(request: HttpRequest) -> HttpResponse:
    """Apply a reviewed upload on the worker (hr_sync.apply_job): the job reads and checks the
    stored file again and writes it all or nothing; its page shows the progress and the outcome."""
    _require_sync(request)
    upload = sync.PENDING.load(request.POST.get("token", ""), user=request.user)
    if upload is None:
        return render(request, "organisation/hr_sync_missing.html", status=404)
    params = {"token": upload.token, "end_missing": request.POST.get("end_missing") == "1"}
    job = jobs.request_document(user=request.user, kind=sync.APPLY_JOB, params=params)
    return redirect("core:job", pk=job.pk)
