"""Efterlevnad: every registered rule's findings per förvaltning/bolag (run once per change:
lis.core.rules.current_results); and each person's reminder choices and calendar feed (Mina
påminnelser, issue 15)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lis.core import access
from lis.core import deadlines as deadline_registry
from lis.core.pack import get_pack
from lis.core.rules import Finding, current_results, visible_results

from . import calendar, reminders
from .models import LANGUAGE_CHOICES, ReminderPreference

# Findings listed per förvaltning/bolag and requirement; the rest are counted, with a link that
# lists them all (a large kommun has thousands, and the page must stay quick to read and load).
SHOWN_PER_GROUP = 5


@dataclass
class FindingGroup:
    requirement: Any
    findings: list[Finding]
    total: int
    key: str  # "requirement id|unit pk" (unit pk empty for the kommun): ?visa= shows the whole group


def overview(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(access.can_view_compliance(p))

    def visible(finding: Finding) -> bool:
        return finding.unit is None or p.can_view_unit(finding.unit)

    everything, checked_at = current_results()
    results = everything if p.sees_everything else visible_results(everything, visible)
    expanded = request.GET.get("visa", "")
    units: dict[str, tuple[str, list[FindingGroup]]] = {}
    for result in results:
        grouped: dict[str, list[Finding]] = {}
        for finding in result.findings:
            grouped.setdefault(str(finding.unit.pk) if finding.unit is not None else "", []).append(finding)
        for unit_key, findings in grouped.items():
            key = f"{result.requirement.id}|{unit_key}"
            shown = findings if key == expanded else findings[:SHOWN_PER_GROUP]
            # Links only for those who may follow them, checked for the findings shown.
            shown = [
                replace(f, link="", link_text="") if f.may_follow is not None and not f.may_follow(p) else f
                for f in shown
            ]
            name = findings[0].unit.name if findings[0].unit is not None else ""
            units.setdefault(unit_key, (name, []))[1].append(
                FindingGroup(result.requirement, shown, len(findings), key)
            )
    checked = [r for r in results if r.checked]
    return render(
        request,
        "compliance/overview.html",
        {
            "results": results,
            "by_unit": sorted(units.values(), key=lambda item: (item[0] != "", item[0])),
            "met_count": sum(r.met for r in checked),
            "partial_count": sum(bool(r.partial) for r in checked),
            "checked_count": len(checked),
            "unchecked": [r for r in results if not r.checked],
            "checked_at": checked_at,
        },
    )


# --- Mina påminnelser and the personal calendar (issue 15) -------------------------------------

FEED_URL_SESSION_KEY = "lis_calendar_feed_url"


class ReminderPreferencesForm(forms.Form):
    """A frequency per kind of deadline; legal kinds are shown but cannot be changed."""

    language = forms.ChoiceField(label=gettext_lazy("Språk i e-post"), choices=LANGUAGE_CHOICES, required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds
        for kind in kinds:
            if kind.legal:
                continue
            self.fields[f"kind_{kind.key}"] = forms.ChoiceField(
                label=kind.label, choices=ReminderPreference.Frequency.choices, required=True
            )

    def frequencies(self) -> dict[str, str]:
        return {kind.key: self.cleaned_data[f"kind_{kind.key}"] for kind in self.kinds if not kind.legal}


def _own_person(request: HttpRequest):
    person = request.principal.person
    if person is None:
        raise Http404
    return person


@require_http_methods(["GET", "POST"])
def reminders_page(request: HttpRequest) -> HttpResponse:
    """Mina påminnelser: one's own reminder choices, what is due for one now, and one's calendar
    address. For the säkerhetsstrateg also the e-mails that could not be sent."""
    person = _own_person(request)
    kinds = deadline_registry.kinds()
    current = reminders.preferences_of(person)
    initial = {f"kind_{kind.key}": current.get(kind.key, "daily") for kind in kinds}
    initial["language"] = reminders.language_of(person)
    if request.method == "POST":
        form = ReminderPreferencesForm(request.POST, kinds=kinds)
        if form.is_valid():
            reminders.preferences_update(
                actor=request.user,
                person=person,
                frequencies=form.frequencies(),
                language=form.cleaned_data["language"] or "",
            )
            messages.success(request, _("Dina val för påminnelser är sparade."))
            return redirect("compliance:reminders")
    else:
        form = ReminderPreferencesForm(initial=initial, kinds=kinds)
    strategist = request.principal.has_role("security_strategist")
    return render(
        request,
        "compliance/reminders/page.html",
        {
            "form": form,
            "kind_fields": [(kind, None if kind.legal else form[f"kind_{kind.key}"]) for kind in kinds],
            "groups": reminders.due_for(person),
            "horizon_days": get_pack().reminder_horizon_days,
            "token": calendar.token_of(person),
            "feed_url": request.session.pop(FEED_URL_SESSION_KEY, ""),
            "failures": reminders.failed_messages() if strategist else None,
        },
    )


@require_POST
def calendar_token(request: HttpRequest) -> HttpResponse:
    """Make (or renew) one's calendar address, or revoke it."""
    person = _own_person(request)
    if request.POST.get("action") == "revoke":
        if calendar.token_revoke(actor=request.user, person=person):
            messages.success(request, _("Kalenderadressen är återkallad och fungerar inte längre."))
    else:
        token = calendar.token_create(actor=request.user, person=person)
        request.session[FEED_URL_SESSION_KEY] = request.build_absolute_uri(
            reverse("compliance:calendar_feed", args=[token])
        )
        messages.success(request, _("Din nya kalenderadress visas nedan en gång. Kopiera den nu."))
    return redirect("compliance:reminders")


@login_not_required
@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's iCalendar feed: the address is the credential, so calendar programs can read
    it without logging in; a revoked or renewed address answers 404."""
    person = calendar.token_person(token)
    if person is None:
        raise Http404
    # Read without a login, so in the person's own language (Mina påminnelser), not the client's.
    with translation.override(reminders.language_of(person) or settings.LANGUAGE_CODE):
        body = calendar.person_calendar(person)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(False, "lis-tidsfrister.ics")
    response["Cache-Control"] = "no-store"
    return response
