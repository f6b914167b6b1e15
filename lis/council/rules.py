"""Compliance rules of the council: POL-3.5, POL-3.26 and the advice part of POL-3.31. Each rule
uses a fixed handful of queries, whatever the number of meetings, systems or advice."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access
from lis.core.pack import get_pack
from lis.core.rules import Finding, rule

from . import selectors
from .models import Advice, Meeting, Minutes

JUSTERING_DAYS = 30


def _may_manage(p) -> bool:
    return selectors.can_manage(p)


def _may_read_meeting(p) -> bool:
    return selectors.is_member(p)


@rule(
    "POL-3.5",
    partial=gettext_lazy(
        "att E-rådet har minst det antal möten per kalenderår som policyn kräver (hållna och planerade), "
        "att minnesanteckningarna justeras inom 30 dagar och att justerade minnesanteckningar diarieförs. "
        "Att rådet kallas vid behov kontrolleras inte."
    ),
)
def council_meets() -> list[Finding]:
    """Every calendar year from the first meeting to this one has at least the pack's minimum of
    held plus still planned meetings (flagged as soon as a year can no longer reach it); justerade
    minutes are registered; held meetings are justerade within 30 days."""
    minimum = get_pack().council_min_meetings_per_year
    now = timezone.now()
    this_year = timezone.localtime(now).year
    held: dict[int, int] = defaultdict(int)
    planned: dict[int, int] = defaultdict(int)
    first_year = this_year
    for status, starts_at in Meeting.objects.values_list("status", "starts_at"):
        year = timezone.localtime(starts_at).year
        first_year = min(first_year, year)
        kind = selectors.count_towards_minimum(status, starts_at, now)
        if kind == "held":
            held[year] += 1
        elif kind == "planned":
            planned[year] += 1
    findings = []
    overview = reverse("council:overview")
    for year in range(first_year, this_year + 1):
        if held[year] + planned[year] >= minimum:
            continue
        if year < this_year:
            message = ngettext(
                "E-rådet höll %(held)s möte %(year)s; policyn kräver minst %(minimum)s.",
                "E-rådet höll %(held)s möten %(year)s; policyn kräver minst %(minimum)s.",
                held[year],
            )
        else:
            message = _(
                "E-rådet har hållit %(held)s och planerat %(planned)s möten %(year)s; policyn kräver minst "
                "%(minimum)s per år."
            )
        findings.append(
            Finding(
                message=message % {"held": held[year], "planned": planned[year], "year": year, "minimum": minimum},
                link=reverse("council:year", args=[year]) if year == this_year else overview,
                link_text=_("Planera möten") if year == this_year else _("Visa E-rådet"),
                may_follow=_may_manage if year == this_year else None,
            )
        )
    for minutes in (
        Minutes.objects.filter(diary_serial__isnull=True).select_related("meeting").order_by("meeting__starts_at")
    ):
        findings.append(
            Finding(
                message=_("Minnesanteckningarna från mötet %(date)s är justerade men inte diarieförda.")
                % {"date": timezone.localtime(minutes.meeting.starts_at).date().isoformat()},
                link=reverse("council:meeting_detail", args=[minutes.meeting_id]),
                link_text=_("Diarieför minnesanteckningarna"),
                may_follow=_may_manage,
            )
        )
    late = Meeting.objects.filter(
        status=Meeting.Status.HELD,
        minutes__isnull=True,
        ends_at__lt=now - datetime.timedelta(days=JUSTERING_DAYS),
    ).order_by("starts_at")
    for meeting in late:
        findings.append(
            Finding(
                message=_("Minnesanteckningarna från mötet %(date)s är inte justerade %(days)s dagar efter mötet.")
                % {"date": timezone.localtime(meeting.starts_at).date().isoformat(), "days": JUSTERING_DAYS},
                link=reverse("council:meeting_detail", args=[meeting.pk]),
                link_text=_("Visa mötet"),
                may_follow=_may_read_meeting,
            )
        )
    return findings


@rule(
    "POL-3.26",
    partial=gettext_lazy(
        "att varje system i drift med extern driftsform har en SUA-bedömning för sin nuvarande driftsform "
        "och att bedömningen är tagen upp i E-rådet. Att bedömningen gjordes innan tjänsten lades ut "
        "kontrolleras inte."
    ),
)
def sua_assessed() -> list[Finding]:
    """Systems whose driftsform the pack marks external have an SUA assessment for that
    driftsform, raised in the E-råd."""
    pack = get_pack()
    findings = []
    for system in selectors.systems_with_sua_status().select_related("unit").order_by("unit__name", "name"):
        model = pack.choice_name("operating_models", system.operating_model)
        if system.sua_model is None:
            message = _("%(system)s (%(model)s) saknar SUA-bedömning.")
        elif system.sua_model != system.operating_model:
            message = _("%(system)s har bytt driftsform till %(model)s sedan SUA-bedömningen (%(old)s).")
        elif system.sua_item is None:
            message = _("SUA-bedömningen av %(system)s är inte tagen upp i E-rådet.")
        else:
            continue
        values = {
            "system": system.name,
            "model": model,
            "old": pack.choice_name("operating_models", system.sua_model or ""),
        }
        raised_only = system.sua_model == system.operating_model
        findings.append(
            Finding(
                message=message % values,
                unit=system.unit,
                link=reverse("council:overview")
                if raised_only
                else reverse("council:sua_create") + f"?system={system.pk}",
                link_text=_("Ta upp i E-rådet") if raised_only else _("Registrera SUA-bedömning"),
                may_follow=_may_manage
                if raised_only
                else (lambda p, system=system: selectors.can_create_sua(p, system)),
            )
        )
    return findings


@rule("POL-3.31")
def advice_followed_up() -> list[Finding]:
    """In part (with lis.risks): the E-råd's advice is followed up by its date."""
    today = access.today()
    findings = []
    late = (
        Advice.objects.filter(followed_up_on__isnull=True, follow_up_on__lt=today)
        .select_related("unit", "board", "agenda_item", "agenda_item__meeting")
        .order_by("follow_up_on", "pk")
    )
    for advice in late:
        date = timezone.localtime(advice.agenda_item.meeting.starts_at).date().isoformat()
        if advice.agenda_item.secret:
            # The advice of a secret item is not for everyone who sees Efterlevnad.
            message = _("Ett råd från E-rådets möte %(date)s (sekretess) skulle ha följts upp senast %(due)s.")
        else:
            message = _("E-rådets råd från mötet %(date)s skulle ha följts upp senast %(due)s: %(text)s")
        text = advice.text if len(advice.text) <= 80 else advice.text[:80] + " …"
        findings.append(
            Finding(
                message=message % {"date": date, "due": advice.follow_up_on.isoformat(), "text": text},
                unit=advice.unit,
                link=reverse("council:advice_follow_up", args=[advice.pk]),
                link_text=_("Följ upp rådet"),
                may_follow=lambda p, advice=advice: selectors.can_follow_up(p, advice),
            )
        )
    return findings
