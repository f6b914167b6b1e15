"""Compliance rules of the incidents app: the handling part of POL-2.6. A fixed handful of
queries whatever the number of incidents."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.core.pack import get_pack
from lis.core.rules import Finding, rule

from . import clocks, selectors
from .models import Clock, Incident

INACTIVE_DAYS = 30


def _may_handle(incident: Incident):
    return lambda p: selectors.can_handle(p, incident)


def _finding(incident: Incident, message: str) -> Finding:
    return Finding(
        message=message,
        unit=incident.unit,
        link=reverse("incidents:incident_detail", args=[incident.pk]),
        link_text=_("Visa incidenten"),
        may_follow=_may_handle(incident),
    )


@rule(
    "POL-2.6",
    partial=gettext_lazy(
        "att rapporterade incidenter bedöms inom den tid policyn anger, att lagstadgade rapporter skickas "
        "(eller ett beslut att inte rapportera registreras) inom sin tidsfrist och att öppna incidenter inte "
        "lämnas utan åtgärd i 30 dagar. Att händelser förebyggs kontrolleras inte."
    ),
)
def incidents_handled() -> list[Finding]:
    now = timezone.now()
    pack = get_pack()
    findings: list[Finding] = []
    untriaged = (
        Incident.objects.filter(
            triaged_at__isnull=True, reported_at__lt=now - datetime.timedelta(hours=pack.incident_triage_hours)
        )
        .select_related("unit")
        .order_by("reported_at", "pk")
    )
    for incident in untriaged:
        findings.append(
            _finding(
                incident,
                _("Incident %(number)s är inte bedömd, fast den rapporterades för mer än %(hours)s timmar sedan.")
                % {"number": incident.number, "hours": pack.incident_triage_hours},
            )
        )
    running = (
        Clock.objects.filter(triggered=True, not_reporting_decided_at__isnull=True)
        .select_related("incident__unit")
        .prefetch_related("reports")
        .order_by("incident__reported_at", "incident_id", "pk")
    )
    for clock in running:
        incident = clock.incident
        for deadline in clocks.clock_deadlines(clock, now, noticed_at=incident.noticed_at):
            if deadline.state != clocks.PASSED:
                continue
            findings.append(
                _finding(
                    incident,
                    _(
                        "Incident %(number)s: %(name)s till %(recipient)s skulle ha skickats senast %(due)s men "
                        "är inte registrerad, och inget beslut att inte rapportera finns."
                    )
                    % {
                        "number": incident.number,
                        "name": deadline.name,
                        "recipient": deadline.recipient,
                        "due": clocks.local(deadline.due_at).strftime("%Y-%m-%d %H:%M"),
                    },
                )
            )
    idle = (
        Incident.objects.exclude(status=Incident.Status.CLOSED)
        .filter(last_activity_at__lt=now - datetime.timedelta(days=INACTIVE_DAYS))
        .select_related("unit")
        .order_by("last_activity_at", "pk")
    )
    for incident in idle:
        findings.append(
            _finding(
                incident,
                _("Incident %(number)s är inte avslutad och ingenting har hänt i den på %(days)s dagar.")
                % {"number": incident.number, "days": INACTIVE_DAYS},
            )
        )
    return findings
