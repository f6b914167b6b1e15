"""E-rådet's pages (POL-3.4–POL-3.6, POL-3.26): members, the year's meetings, each meeting's
dagordning, attendance and minnesanteckningar from planning to registered minutes, advice and SUA
assessments. Every signed-in user reads justerade minutes (items under sekretess: the heading
only); members read everything; the chair and the säkerhetsstrateg manage."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access
from lis.core.changelog import record_event
from lis.core.forms import call_service, guard_stale
from lis.core.pack import get_pack
from lis.core.selectors import history_for
from lis.core.viewhelpers import form_page, render_tabbed, selected_tab
from lis.organisation.models import Person
from lis.systems import selectors as system_selectors
from lis.systems.models import InformationSystem

from . import documents, ics, selectors, services
from .forms import (
    AdjusterForm,
    AdviceFollowUpForm,
    AdviceForm,
    AgendaItemEditForm,
    AgendaItemForm,
    AttendanceForm,
    MeetingForm,
    RegisterForm,
    SuaForm,
    SuaRaiseForm,
    council_units,
)
from .models import Advice, AgendaItem, Attendance, Meeting, Minutes, SuaAssessment

MEETING_TABS = (
    ("dagordning", gettext_lazy("Dagordning")),
    ("narvaro", gettext_lazy("Närvaro")),
    ("minnesanteckningar", gettext_lazy("Minnesanteckningar")),
    ("historik", gettext_lazy("Historik")),
)
PROPOSER_ROLES = ("council_representative", "council_deputy")


def _meeting_url(meeting: Meeting, tab: str = "") -> str:
    return reverse("council:meeting_detail", args=[meeting.pk]) + (f"?flik={tab}" if tab else "")


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _require_manage(request: HttpRequest) -> None:
    access.require(selectors.can_manage(request.principal))


def _require_member(request: HttpRequest) -> None:
    """Members, and those who manage the council without sitting in it."""
    access.require(selectors.is_member(request.principal) or selectors.can_manage(request.principal))


def _proposer_units(p: access.Principal):
    """The units a representative or deputy may propose items for (their own)."""
    ids = [a.unit_id for a in p.assignments if a.role in PROPOSER_ROLES and a.unit_id]
    return council_units().filter(pk__in=ids)


def _minutes_of(meeting: Meeting) -> Minutes | None:
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def _local(value):
    return timezone.localtime(value) if value else value


# --- översikt och årsplan ----------------------------------------------------------------------


def overview(request: HttpRequest) -> HttpResponse:
    p = request.principal
    member, manage = selectors.is_member(p), selectors.can_manage(p)
    seats = selectors.seats()
    rows = []
    for seat in seats:
        appoint = (
            seat.person is None and bool(seat.appoint_url) and access.can_assign_role(p, seat.role, seat.unit, None)
        )
        rows.append((seat, appoint))
    now = timezone.now()
    visible = selectors.meetings_visible_to(p)
    year = timezone.localdate().year
    context = {
        "rows": rows,
        "missing": sum(1 for seat in seats if seat.person is None),
        "past_members": selectors.past_members()[:50] if member or manage else [],
        "next_meetings": list(
            visible.filter(starts_at__gte=now, status=Meeting.Status.PLANNED).order_by("starts_at")[:4]
        ),
        "latest_minutes": list(
            Minutes.objects.filter(meeting__in=visible).select_related("meeting").order_by("-meeting__starts_at")[:5]
        ),
        "open_advice": list(
            selectors.open_advice().select_related("unit", "board", "follow_up_by", "agenda_item__meeting")
        )
        if member or manage
        else [],
        "member": member,
        "manage": manage,
        "feed_url": reverse("council:feed", args=[ics.feed_token(request.user)]) if member else "",
        "years": [year - 1, year, year + 1],
        "minimum": get_pack().council_min_meetings_per_year,
        "today": access.today(),
    }
    return render(request, "council/overview.html", context)


def year(request: HttpRequest, year: int) -> HttpResponse:
    if not 1990 <= year <= 2200:
        raise Http404
    p = request.principal
    member = selectors.is_member(p) or selectors.can_manage(p)
    visible = set(selectors.meetings_visible_to(p).filter(starts_at__year=year).values_list("pk", flat=True))
    meetings = [m for m in selectors.year_plan(year) if m.pk in visible]
    justered = set(Minutes.objects.filter(meeting__in=meetings).values_list("meeting_id", flat=True))
    return render(
        request,
        "council/year.html",
        {
            "year": year,
            "meetings": [(m, m.pk in justered) for m in meetings],
            "summary": selectors.year_summary(year) if member else None,
            "member": member,
            "manage": selectors.can_manage(p),
            "Status": Meeting.Status,
        },
    )


# --- möten -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    _require_manage(request)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = call_service(form, lambda: services.meeting_create(actor=request.user, **form.service_fields()))
        if meeting is not None:
            messages.success(request, _("Mötet är planerat. Ta fram dagordningen när det närmar sig."))
            return redirect(_meeting_url(meeting))
    return form_page(
        request,
        form,
        title=_("Planera möte i E-rådet"),
        intro=_("E-rådet sammanträder minst %(n)s gånger per kalenderår (POL-3.5). Tiderna anges i svensk tid.")
        % {"n": get_pack().council_min_meetings_per_year},
        submit=_("Planera mötet"),
        cancel=reverse("council:overview"),
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    meeting = selectors.meeting_get(p, pk)
    manage = selectors.can_manage(p)
    member = selectors.is_member(p) or manage  # reads the whole meeting (secret items: members only)
    tabs = MEETING_TABS if member else MEETING_TABS[:3]
    tab = selected_tab(request, tabs)
    minutes = _minutes_of(meeting)
    started = meeting.starts_at <= timezone.now()
    context = {
        "meeting": meeting,
        "tab": tab,
        "tabs": tabs,
        "member": member,
        "manage": manage,
        "minutes": minutes,
        "started": started,
        "Status": Meeting.Status,
        "signed": bool(meeting.chair_signed_at or meeting.adjuster_signed_at),
    }
    if tab == "dagordning":
        items = list(
            meeting.agenda_items.select_related(
                "unit", "proposed_by", "sua_assessment", "followed_advice__follow_up_by"
            ).prefetch_related("advice__follow_up_by", "advice__unit", "advice__board")
        )
        standing = selectors.standing_items(meeting) if member and minutes is None else []
        by_key = {(s.key, s.unit.pk if s.unit else None): s.links for s in standing}
        standing_links = {}
        for item in items:
            if item.standing_key:
                standing_links[item.pk] = by_key.get((item.standing_key, item.unit_id), [])
            try:
                assessment = item.sua_assessment
            except SuaAssessment.DoesNotExist:
                assessment = None
            item.sua_assessment_link = reverse("council:sua_detail", args=[assessment.pk]) if assessment else ""
        on_agenda = {(item.standing_key, item.unit_id) for item in items if item.standing_key}
        followed = {item.followed_advice_id for item in items if item.followed_advice_id}
        if (
            standing
            and not set(selectors.open_advice().exclude(agenda_item__meeting=meeting).values_list("pk", flat=True))
            - followed
        ):
            on_agenda.add(("open_advice", None))
        for item in items:
            item.readable_description = documents.readable(item.description)
        proposer_units = _proposer_units(p) if not manage else None
        context.update(
            items=[(item, selectors.sees_item(p, item)) for item in items],
            standing_new=[s for s in standing if (s.key, s.unit.pk if s.unit else None) not in on_agenda],
            can_propose=meeting.status == Meeting.Status.PLANNED
            and minutes is None
            and (manage or (proposer_units is not None and proposer_units.exists())),
            standing=standing,
            standing_links=standing_links,
        )
    elif tab == "narvaro":
        context["attendance"] = list(meeting.attendance.select_related("person", "unit"))
        context["seat_labels"] = _seat_labels()
    elif tab == "minnesanteckningar":
        if minutes is not None:
            content = selectors.content_for(p, minutes.content)
            context["can_pdf"] = selectors.is_member(p) or not any(
                item.get("secret") for item in content.get("items", [])
            )
        else:
            if not member:
                raise Http404
            content = selectors.content(meeting)
            context["content_sha256"] = selectors.content_sha256(meeting)
            context["can_sign"] = _can_sign(p, meeting)
            context["signed_by_me"] = request.user.pk in {meeting.chair_signed_by_id, meeting.adjuster_signed_by_id}
        context["content"] = content
        context["items_shown"] = [
            ({**item, "description": documents.readable(item.get("description", ""))}, selectors.sees_item(p, item))
            for item in content.get("items", [])
        ]
    elif tab == "historik":
        related = [
            meeting.agenda_items.all(),
            meeting.attendance.all(),
            Advice.objects.filter(agenda_item__meeting=meeting),
        ]
        objects = [meeting] + ([minutes] if minutes is not None else [])
        context["history_page"], context["history"] = history_for(
            p, objects, related=related, page=request.GET.get("sida", 1)
        )
    return render_tabbed(request, "council/meeting_detail.html", context)


def _seat_labels() -> dict[str, str]:
    from lis.organisation.models import Role

    return {str(value): str(label) for value, label in Role.choices}


def _can_sign(p: access.Principal, meeting: Meeting) -> bool:
    """Whether to offer justering: the chair or the appointed justerare, on a held meeting."""
    if meeting.status != Meeting.Status.HELD:
        return False
    return selectors.is_chair(p) or selectors.is_adjuster(p, meeting)


def _managed_meeting(request: HttpRequest, pk: int) -> Meeting:
    _require_manage(request)
    return selectors.meeting_get(request.principal, pk)


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    if meeting.status == Meeting.Status.CANCELLED or _minutes_of(meeting) is not None:
        messages.error(request, _("Ett inställt möte eller ett möte med justerade minnesanteckningar kan inte ändras."))
        return redirect(_meeting_url(meeting))
    form = MeetingForm(request.POST or None, meeting=meeting)
    guard_stale(form, meeting, request.principal)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.meeting_update(actor=request.user, meeting=meeting, **form.service_fields())
        ):
            messages.success(
                request,
                _("Mötet är ändrat.")
                + (
                    " " + _("Skicka kallelsen igen så att ledamöternas kalendrar uppdateras.")
                    if meeting.agenda_sent_at
                    else ""
                ),
            )
            return redirect(_meeting_url(meeting))
    return form_page(request, form, title=_("Ändra %(meeting)s") % {"meeting": meeting}, cancel=_meeting_url(meeting))


def _act(request: HttpRequest, meeting: Meeting, call, done: str, tab: str = ""):
    try:
        result = call()
    except ValidationError as exc:
        _errors(request, exc)
        return redirect(_meeting_url(meeting, tab))
    messages.success(request, done if not callable(done) else done(result))
    return redirect(_meeting_url(meeting, tab))


@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    return _act(
        request,
        meeting,
        lambda: services.meeting_cancel(actor=request.user, meeting=meeting),
        _("Mötet är inställt. Ledamöternas kalendrar visar det som inställt."),
    )


# --- dagordning --------------------------------------------------------------------------------


@require_POST
def agenda_draft(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    return _act(
        request,
        meeting,
        lambda: services.agenda_draft(actor=request.user, meeting=meeting),
        lambda added: (
            _("%(n)s stående punkter lades till på dagordningen.") % {"n": len(added)}
            if added
            else _("Dagordningen har redan alla stående punkter.")
        ),
        "dagordning",
    )


@require_http_methods(["GET", "POST"])
def agenda_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    manage = selectors.can_manage(p)
    units = None if manage else _proposer_units(p)
    access.require(manage or (units is not None and units.exists()))
    meeting = selectors.meeting_get(p, pk)
    if meeting.status != Meeting.Status.PLANNED:
        messages.error(request, _("Punkter kan bara anmälas till ett planerat möte."))
        return redirect(_meeting_url(meeting))
    form = AgendaItemForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        item = call_service(
            form, lambda: services.agenda_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
        )
        if item is not None:
            messages.success(
                request,
                _("Punkten är tillagd på dagordningen.")
                if item.accepted
                else _("Punkten är anmäld. Ordföranden eller säkerhetsstrategen tar ställning till den."),
            )
            return redirect(_meeting_url(meeting, "dagordning"))
    return form_page(
        request,
        form,
        title=_("Lägg till punkt på dagordningen") if manage else _("Anmäl punkt till dagordningen"),
        intro="" if manage else _("Du anmäler punkten för din förvaltning eller ditt bolag."),
        submit=_("Lägg till") if manage else _("Anmäl"),
        cancel=_meeting_url(meeting, "dagordning"),
    )


def _managed_item(request: HttpRequest, pk: int, item_pk: int) -> AgendaItem:
    meeting = _managed_meeting(request, pk)
    return get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_pk, meeting=meeting)


@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _managed_item(request, pk, item_pk)
    meeting = item.meeting
    form = AgendaItemEditForm(request.POST or None, item=item)
    guard_stale(form, item, request.principal)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.agenda_item_update(actor=request.user, item=item, **form.cleaned_data)):
            messages.success(request, _("Punkten är sparad."))
            return redirect(_meeting_url(meeting, "dagordning") + f"#punkt-{item.pk}")
    return form_page(
        request,
        form,
        title=_("Ändra punkt: %(title)s") % {"title": item.title},
        cancel=_meeting_url(meeting, "dagordning"),
    )


@require_POST
def agenda_item_accept(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _managed_item(request, pk, item_pk)
    return _act(
        request,
        item.meeting,
        lambda: services.agenda_item_accept(actor=request.user, item=item),
        _("Punkten är på dagordningen."),
        "dagordning",
    )


@require_POST
def agenda_item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """The chair or säkerhetsstrateg removes an item; a representative withdraws their own proposal."""
    p = request.principal
    if selectors.can_manage(p):
        item = _managed_item(request, pk, item_pk)
    else:
        _require_member(request)
        item = get_object_or_404(
            AgendaItem.objects.select_related("meeting"), pk=item_pk, meeting=selectors.meeting_get(p, pk)
        )
        access.require(not item.accepted and p.person is not None and item.proposed_by_id == p.person.pk)
    return _act(
        request,
        item.meeting,
        lambda: services.agenda_item_delete(actor=request.user, item=item),
        _("Punkten är borttagen från dagordningen."),
        "dagordning",
    )


@require_POST
def agenda_send(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    return _act(
        request,
        meeting,
        lambda: services.agenda_send(actor=request.user, meeting=meeting),
        lambda n: _("Kallelsen med dagordningen är skickad till %(n)s ledamöter, med en kalenderinbjudan.") % {"n": n},
        "dagordning",
    )


# --- närvaro, justering, diarieföring -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    if meeting.starts_at > timezone.now():
        messages.error(request, _("Närvaron kan registreras först när mötet har börjat."))
        return redirect(_meeting_url(meeting, "narvaro"))
    if _minutes_of(meeting) is not None:
        messages.error(request, _("Minnesanteckningarna är justerade; närvaron kan inte ändras."))
        return redirect(_meeting_url(meeting, "narvaro"))
    current = dict(meeting.attendance.values_list("person_id", "presence"))
    form = AttendanceForm(
        request.POST or None, seats=selectors.seats(_local(meeting.starts_at).date()), current=current
    )
    if request.method == "POST" and form.is_valid():
        recorded = call_service(
            form, lambda: services.attendance_record(actor=request.user, meeting=meeting, rows=form.attendance_rows())
        )
        if recorded is not None:
            messages.success(request, _("Närvaron är registrerad och mötet är markerat som genomfört."))
            return redirect(_meeting_url(meeting, "narvaro"))
    return render(
        request,
        "council/attendance_form.html",
        {"form": form, "meeting": meeting, "cancel": _meeting_url(meeting, "narvaro")},
    )


@require_http_methods(["GET", "POST"])
def adjuster(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    if _minutes_of(meeting) is not None or meeting.chair_signed_at or meeting.adjuster_signed_at:
        messages.error(request, _("Justeringen har börjat; justeraren kan inte bytas."))
        return redirect(_meeting_url(meeting, "minnesanteckningar"))
    present = [
        a.person_id
        for a in meeting.attendance.all()
        if a.presence in (Attendance.Presence.PRESENT, Attendance.Presence.DEPUTY)
    ]
    chairs = {seat.person.pk for seat in selectors.seats() if seat.role == "council_chair" and seat.person}
    people = Person.objects.filter(pk__in=present).exclude(pk__in=chairs).select_related("unit")
    form = AdjusterForm(
        request.POST or None, principal=request.principal, people=people, initial={"person": meeting.adjuster_id}
    )
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.adjuster_appoint(actor=request.user, meeting=meeting, person=form.cleaned_data["person"]),
        ):
            messages.success(request, _("Justeraren är utsedd."))
            return redirect(_meeting_url(meeting, "minnesanteckningar"))
    return form_page(
        request,
        form,
        title=_("Utse justerare"),
        intro=_("Justeraren väljs bland dem som deltog i mötet. Registrera närvaron först.") if not present else "",
        submit=_("Utse"),
        cancel=_meeting_url(meeting, "minnesanteckningar"),
    )


@require_POST
def minutes_sign(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    _require_member(request)
    meeting = selectors.meeting_get(p, pk)
    access.require(_can_sign(p, meeting))
    sha = request.POST.get("content_sha256", "")
    try:
        frozen = services.minutes_sign(actor=request.user, meeting=meeting, content_sha256=sha)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if frozen is not None:
            messages.success(
                request,
                _("Minnesanteckningarna är justerade och frysta med ett arkivexemplar (PDF/A). Diarieför dem nu."),
            )
        else:
            messages.success(request, _("Din justering är registrerad. Den andra justeringen återstår."))
    return redirect(_meeting_url(meeting, "minnesanteckningar"))


@require_POST
def minutes_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    _require_member(request)
    meeting = selectors.meeting_get(p, pk)
    try:
        services.minutes_withdraw_signature(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Din justering är tillbakatagen. Minnesanteckningarna kan ändras igen."))
    return redirect(_meeting_url(meeting, "minnesanteckningar"))


@require_http_methods(["GET", "POST"])
def minutes_register(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    minutes = _minutes_of(meeting)
    if minutes is None:
        raise Http404
    if minutes.diary_serial is not None:
        messages.info(request, _("Minnesanteckningarna är redan diarieförda som %(n)s.") % {"n": minutes.diary_number})
        return redirect(_meeting_url(meeting, "minnesanteckningar"))
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.minutes_register(
                actor=request.user, minutes=minutes, diary_number=form.cleaned_data["diary_number"]
            ),
        ):
            messages.success(request, _("Minnesanteckningarna är diarieförda."))
            return redirect(_meeting_url(meeting, "minnesanteckningar"))
    return form_page(
        request,
        form,
        title=_("Diarieför minnesanteckningarna"),
        intro=_("Minnesanteckningarna är allmänna handlingar och diarieförs (POL-3.5)."),
        submit=_("Registrera diarienumret"),
        cancel=_meeting_url(meeting, "minnesanteckningar"),
    )


@require_GET
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The archival PDF/A frozen at justering, exactly as it was frozen."""
    p = request.principal
    meeting = selectors.meeting_get(p, pk)
    minutes = _minutes_of(meeting)
    if minutes is None:
        raise Http404
    if not selectors.is_member(p) and any(item.get("secret") for item in minutes.content.get("items", [])):
        raise PermissionDenied(_("Minnesanteckningarna innehåller punkter med sekretess; läs dem på sidan i stället."))
    record_event("export", user=request.user, obj=minutes, details={"format": "pdf/a"})
    name = _("Minnesanteckningar E-rådet %(date)s.pdf") % {"date": _local(meeting.starts_at).strftime("%Y-%m-%d")}
    response = HttpResponse(bytes(minutes.pdf), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["Cache-Control"] = "no-store"
    return response


# --- råd ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def advice_create(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    item = _managed_item(request, pk, item_pk)
    form = AdviceForm(request.POST or None, principal=request.principal, item=item)
    if request.method == "POST" and form.is_valid():
        if call_service(form, lambda: services.advice_create(actor=request.user, item=item, **form.cleaned_data)):
            messages.success(
                request, _("Rådet är registrerat. Det kommer tillbaka på dagordningen tills det är uppföljt.")
            )
            return redirect(_meeting_url(item.meeting, "dagordning") + f"#punkt-{item.pk}")
    return form_page(
        request,
        form,
        title=_("Nytt råd: %(title)s") % {"title": item.title},
        intro=_(
            "E-rådet är rådgivande (POL-3.6): rådet riktas till en förvaltning, ett bolag eller en nämnd, "
            "som själv tar ställning till det."
        ),
        submit=_("Registrera rådet"),
        cancel=_meeting_url(item.meeting, "dagordning"),
    )


@require_http_methods(["GET", "POST"])
def advice_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    advice = get_object_or_404(selectors.advice_visible_to(p).select_related("agenda_item__meeting"), pk=pk)
    access.require(selectors.can_follow_up(p, advice))
    if advice.followed_up_on is not None:
        messages.info(request, _("Rådet är redan uppföljt."))
        return redirect("council:overview")
    form = AdviceFollowUpForm(request.POST or None, initial={"followed_up_on": access.today()})
    guard_stale(form, advice, p)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.advice_follow_up(actor=request.user, advice=advice, **form.cleaned_data)
        ):
            messages.success(request, _("Rådet är markerat som uppföljt."))
            return redirect("council:overview")
    return form_page(
        request,
        form,
        title=_("Följ upp rådet"),
        intro=advice.text,
        submit=_("Markera som uppföljt"),
        cancel=reverse("council:overview"),
    )


# --- SUA-bedömningar ---------------------------------------------------------------------------


def sua_status_of(system: InformationSystem) -> str:
    """The SUA status from selectors.systems_with_sua_status()'s annotations (no query)."""
    if system.sua_model is None:
        return "missing"
    return "outdated" if system.sua_model != system.operating_model else "done"


def sua_list(request: HttpRequest) -> HttpResponse:
    """Externally run systems and their SUA status: those that need an assessment, or (?visa=alla)
    all of them, a page at a time."""
    _require_member(request)
    p = request.principal
    show_all = request.GET.get("visa") == "alla"
    systems = selectors.systems_with_sua_status() if show_all else selectors.systems_needing_sua()
    page = Paginator(systems.select_related("unit").order_by("unit__name", "name", "pk"), 100).get_page(
        request.GET.get("sida", 1)
    )
    names = {o.key: o.name for o in get_pack().operating_models}
    manage = selectors.can_manage(p)
    rows = [
        (
            system,
            names.get(system.operating_model, system.operating_model),
            sua_status_of(system),
            manage or selectors.can_create_sua(p, system),
        )
        for system in page.object_list
    ]
    return render(
        request,
        "council/sua_list.html",
        {
            "rows": rows,
            "page": page,
            "show_all": show_all,
            "missing": selectors.systems_needing_sua().count(),
            "manage": manage,
            "statuses": SUA_STATUS,
            "assessments": selectors.sua_visible_to(p).order_by("-decided_on", "-pk")[:20],
        },
    )


SUA_STATUS = {
    "not_required": gettext_lazy("Behövs inte"),
    "missing": gettext_lazy("Saknas"),
    "outdated": gettext_lazy("Inaktuell: driftsformen har ändrats"),
    "done": gettext_lazy("Gjord"),
}


@require_http_methods(["GET", "POST"])
def sua_create(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("system", "")
    if not (raw.isdigit() and len(raw) < 12):
        raise Http404
    system = system_selectors.system_get(request.principal, int(raw))
    access.require(selectors.can_create_sua(request.principal, system))
    outdated = selectors.sua_latest(system) is not None
    form = SuaForm(
        request.POST or None,
        principal=request.principal,
        initial={"reason": SuaAssessment.Reason.OPERATING_MODEL if outdated else SuaAssessment.Reason.PROCUREMENT},
    )
    if request.method == "POST" and form.is_valid():
        assessment = call_service(
            form, lambda: services.sua_create(actor=request.user, system=system, **form.cleaned_data)
        )
        if assessment is not None:
            messages.success(request, _("SUA-bedömningen är registrerad. Ta upp den i E-rådet."))
            return redirect("council:sua_detail", pk=assessment.pk)
    return form_page(
        request,
        form,
        title=_("SUA-bedömning av %(system)s") % {"system": system.name},
        intro=_(
            "Bedöm om upphandlingen eller den ändrade driftsformen kräver säkerhetsskyddad upphandling (POL-3.26). "
            "Registrera bara fakta: inga säkerhetsskyddsklassificerade uppgifter (POL-3.24)."
        ),
        submit=_("Registrera bedömningen"),
        cancel=reverse("systems:system_detail", args=[system.pk]) + "?flik=sua",
    )


def _sua_get(request: HttpRequest, pk: int) -> SuaAssessment:
    return get_object_or_404(selectors.sua_visible_to(request.principal).select_related("agenda_item__meeting"), pk=pk)


def sua_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _sua_get(request, pk)
    names = {o.key: o.name for o in get_pack().operating_models}
    return render(
        request,
        "council/sua_detail.html",
        {
            "assessment": assessment,
            "operating_model": names.get(assessment.operating_model, assessment.operating_model),
            "manage": selectors.can_manage(request.principal),
            "member": selectors.is_member(request.principal),
            "status": SUA_STATUS[selectors.sua_status(assessment.system)],
            "latest": selectors.sua_latest(assessment.system) == assessment,
            "can_create": selectors.can_create_sua(request.principal, assessment.system),
        },
    )


def _raise_meetings():
    return Meeting.objects.filter(status=Meeting.Status.PLANNED, starts_at__gte=timezone.now()).order_by("starts_at")


@require_http_methods(["GET", "POST"])
def sua_raise(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manage(request)
    assessment = _sua_get(request, pk)
    if assessment.agenda_item_id is not None:
        messages.info(request, _("Bedömningen är redan uppe i E-rådet."))
        return redirect("council:sua_detail", pk=assessment.pk)
    if not _raise_meetings().exists():
        messages.info(request, _("Det finns inget planerat möte att ta upp bedömningen på. Planera ett möte först."))
        return redirect("council:meeting_create")
    form = SuaRaiseForm(request.POST or None, meetings=_raise_meetings())
    if request.method == "POST" and form.is_valid():
        item = call_service(
            form,
            lambda: services.sua_raise(actor=request.user, assessment=assessment, meeting=form.cleaned_data["meeting"]),
        )
        if item is not None:
            messages.success(request, _("Bedömningen står på mötets dagordning."))
            return redirect(_meeting_url(item.meeting, "dagordning"))
    return form_page(
        request,
        form,
        title=_("Ta upp %(assessment)s i E-rådet") % {"assessment": assessment},
        submit=_("Sätt upp på dagordningen"),
        cancel=reverse("council:sua_detail", args=[assessment.pk]),
    )


# --- kalender ----------------------------------------------------------------------------------


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A member's iCalendar feed of the council's meetings: the address is the credential, so it
    works from calendar programs; served only while the user is a member."""
    user = ics.feed_user(token)
    if user is None or not user.is_active or not selectors.is_member(access.principal_for(user)):
        raise Http404
    meetings = Meeting.objects.order_by("starts_at")
    response = HttpResponse(ics.meeting_calendar(meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "e-radet.ics")
    response["Cache-Control"] = "no-store"
    return response
