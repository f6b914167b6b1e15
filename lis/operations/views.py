"""Driftinformation pages (POL-3.28): the page every employee reads (ongoing disruptions,
planned work, recently completed), a notice's page with who was told and when, IT-enheten's
forms to plan, change, notify, start, close and cancel, the disruption form for IT-enheten and
the systems' own systemförvaltare and ansvariga chefer, and the iCalendar feed."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access
from lis.core.forms import call_service, guard_stale
from lis.core.pack import get_pack
from lis.core.selectors import history_for
from lis.core.viewhelpers import form_page, render_tabbed, selected_tab
from lis.systems.models import InformationSystem

from . import ics, selectors, services
from .forms import CancelForm, CloseForm, DisruptionForm, NoticeForm, OverviewFilterForm
from .models import ServiceNotice

TABS = (("oversikt", gettext_lazy("Översikt")), ("historik", gettext_lazy("Historik")))
FEED_PAST_DAYS = 30


def _url(notice: ServiceNotice, tab: str = "") -> str:
    return reverse("operations:notice_detail", args=[notice.pk]) + (f"?flik={tab}" if tab else "")


def _changeable(request: HttpRequest, pk: int) -> ServiceNotice:
    """The notice, for a write by one who may change it (403 for the others; every signed-in
    user reads every notice, so there is nothing to hide behind a 404)."""
    notice = selectors.notice_get(request.principal, pk)
    access.require(selectors.can_change(request.principal, notice))
    return notice


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- reading --------------------------------------------------------------------------------------


@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    p = request.principal
    systems = list(selectors.filter_systems(p).only("pk", "name"))
    form = OverviewFilterForm(request.GET or None, systems=systems)
    system = None
    if form.is_valid() and form.cleaned_data["system"]:
        system = next((s for s in systems if str(s.pk) == form.cleaned_data["system"]), None)
    data = selectors.overview(p, system=system)
    return render(
        request,
        "operations/overview.html",
        {
            "form": form,
            "system": system,
            "data": data,
            "ahead_days": selectors.PLANNED_AHEAD_DAYS,
            "recent_days": selectors.RECENT_DAYS,
            "can_manage": selectors.can_manage_notices(p),
            "can_post_disruption": selectors.can_post_disruption(p),
            "feed_url": request.build_absolute_uri(reverse("operations:feed", args=[ics.feed_token(request.user)])),
        },
    )


def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    notice = selectors.notice_get(p, pk)
    tab = selected_tab(request, TABS)
    change = selectors.can_change(p, notice)
    systems = list(notice.systems.select_related("unit"))
    context = {
        "notice": notice,
        "tab": tab,
        "tabs": TABS,
        "change": change,
        "Status": ServiceNotice.Status,
        "Kind": ServiceNotice.Kind,
        "systems": systems,
        "linkable_system_ids": selectors.linkable_system_ids(p, systems),
    }
    if tab == "oversikt":
        days = selectors.notice_days(notice)
        context.update(
            recipients=list(selectors.recipients_of(notice)),
            renotify=selectors.needs_renotify(notice),
            notice_days=days,
            short_notice=notice.kind != ServiceNotice.Kind.DISRUPTION
            and days is not None
            and days < get_pack().maintenance_notice_days,
            pack_days=get_pack().maintenance_notice_days,
        )
        if change and notice.status in selectors.OPEN_STATUSES:
            pending = list(selectors.recipients_for(notice))
            told = {r.person_id for r in context["recipients"]}
            context["to_notify"] = [person for person in pending if person.pk not in told]
            context["without_login"] = [
                person for person in pending if person.user is None or not person.user.is_active
            ]
    else:
        context["history_page"], context["history"] = history_for(
            p, [notice], related=[notice.recipients.all()], page=request.GET.get("sida", 1)
        )
    return render_tabbed(request, "operations/notice_detail.html", context)


# --- planning ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(selectors.can_manage_notices(p))
    system = None
    if request.GET.get("system", "").isdigit():
        system = InformationSystem.objects.select_related("system_owner").filter(pk=request.GET["system"]).first()
    form = NoticeForm(request.POST or None, principal=p, system=system)
    if request.method == "POST" and form.is_valid():
        notice = call_service(form, lambda: services.notice_plan(actor=request.user, **form.service_fields()))
        if notice is not None:
            messages.success(request, _("Arbetet är planerat. Avisera användarna när planeringen är klar."))
            return redirect(_url(notice))
    return render(
        request,
        "operations/notice_form.html",
        {
            "form": form,
            "title": _("Planera underhåll eller uppgradering"),
            "submit": _("Spara planeringen"),
            "cancel": reverse("operations:overview"),
            "pack_days": get_pack().maintenance_notice_days,
        },
    )


@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    p = request.principal
    notice = _changeable(request, pk)
    if notice.status not in selectors.OPEN_STATUSES:
        messages.error(request, _("Avslutad eller inställd driftinformation kan inte ändras."))
        return redirect(_url(notice))
    disruption = notice.kind == ServiceNotice.Kind.DISRUPTION
    form_class = DisruptionForm if disruption else NoticeForm
    form = form_class(request.POST or None, principal=p, notice=notice)
    guard_stale(form, notice, p)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
        if call_service(form, lambda: services.notice_update(actor=request.user, notice=notice, **fields)):
            notice.refresh_from_db()
            if selectors.needs_renotify(notice):
                messages.warning(request, _("Tiden är ändrad. Avisera igen så att mottagarna får veta det."))
            else:
                messages.success(request, _("Ändringen är sparad."))
            return redirect(_url(notice))
    return render(
        request,
        "operations/notice_form.html",
        {
            "form": form,
            "title": _("Ändra %(title)s") % {"title": notice.title},
            "submit": _("Spara ändringen"),
            "cancel": _url(notice),
            "pack_days": get_pack().maintenance_notice_days,
            "notice": notice,
        },
    )


@require_POST
def notice_notify(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _changeable(request, pk)
    try:
        reached = services.notice_notify(actor=request.user, notice=notice)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            ngettext("%(count)s person är aviserad.", "%(count)s personer är aviserade.", len(reached))
            % {"count": len(reached)},
        )
    return redirect(_url(notice))


@require_POST
def notice_start(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _changeable(request, pk)
    try:
        services.notice_start(actor=request.user, notice=notice)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("Arbetet är markerat som pågående."))
    return redirect(_url(notice))


@require_http_methods(["GET", "POST"])
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _changeable(request, pk)
    if notice.status != ServiceNotice.Status.ONGOING:
        messages.error(request, _("Bara pågående arbete eller driftstörningar kan avslutas."))
        return redirect(_url(notice))
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form,
            lambda: services.notice_close(
                actor=request.user,
                notice=notice,
                ended_at=form.cleaned_data["ended_at"],
                summary=form.cleaned_data["summary"],
            ),
        ):
            messages.success(request, _("Avslutat."))
            return redirect(_url(notice))
    return form_page(
        request,
        form,
        title=_("Avsluta %(title)s") % {"title": notice.title},
        intro=_("Började %(start)s.") % {"start": timezone.localtime(notice.starts_at).strftime("%Y-%m-%d %H:%M")},
        submit=_("Avsluta"),
        cancel=_url(notice),
    )


@require_http_methods(["GET", "POST"])
def notice_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    notice = _changeable(request, pk)
    if notice.status != ServiceNotice.Status.PLANNED:
        messages.error(request, _("Bara planerat arbete kan ställas in."))
        return redirect(_url(notice))
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if call_service(
            form, lambda: services.notice_cancel(actor=request.user, notice=notice, note=form.cleaned_data["note"])
        ):
            messages.success(request, _("Arbetet är inställt."))
            return redirect(_url(notice))
    return form_page(
        request,
        form,
        title=_("Ställ in %(title)s") % {"title": notice.title},
        submit=_("Ställ in arbetet"),
        cancel=_url(notice),
    )


# --- disruptions -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def disruption_create(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(selectors.can_post_disruption(p))
    form = DisruptionForm(request.POST or None, principal=p)
    if request.method == "POST" and form.is_valid():
        notice = call_service(form, lambda: services.disruption_post(actor=request.user, **form.cleaned_data))
        if notice is not None:
            messages.success(request, _("Driftstörningen är publicerad och berörda är aviserade."))
            return redirect(_url(notice))
    return render(
        request,
        "operations/notice_form.html",
        {
            "form": form,
            "title": _("Rapportera en driftstörning"),
            "intro": _(
                "Publiceras direkt på sidan Driftinformation, och systemens kontaktpersoner, systemförvaltare "
                "och ansvariga chefer aviseras."
            ),
            "submit": _("Publicera driftstörningen"),
            "cancel": reverse("operations:overview"),
        },
    )


# --- kalender -------------------------------------------------------------------------------------


@login_not_required
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A user's iCalendar feed of driftinformation: the address is the credential, so it works
    from calendar programs; served while the user's login is active and the password unchanged."""
    user = ics.feed_user(token)
    if user is None or not selectors.can_read(access.principal_for(user)):
        raise Http404
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    notices = (
        ServiceNotice.objects.filter(
            Q(status__in=selectors.OPEN_STATUSES) | Q(status=ServiceNotice.Status.CANCELLED, starts_at__gte=since)
        )
        .prefetch_related("systems")
        .order_by("starts_at", "pk")
    )
    base = request.build_absolute_uri("/").rstrip("/")
    body = ics.notice_calendar(notices, link_for=lambda notice: base + _url(notice))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "driftinformation.ics")
    response["Cache-Control"] = "no-store"
    return response
