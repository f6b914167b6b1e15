"""What incidents add to lower apps' pages and to the E-råd (lis.core.extensions): the start
page's first thing, a button to report an incident (POL-2.6) and, for those who have reported,
a link to their reports; a panel on the risk page listing the incidents linked to the risk (those
the user may see); the E-råd's standing item "incidents since the last meeting", per unit; and
the demo loader."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core.deadlines import Deadline, DeadlineKind, register_deadline_kind
from lis.core.extensions import Panel, StandingItem, register_loader, register_panel, register_standing_item

from . import selectors
from .models import Incident


def _home(request, _obj) -> dict:
    p = request.principal
    return {
        "incident_reports": selectors.my_reports(p).count(),
        "incident_handler": selectors.is_handler_anywhere(p),
    }


def _risk(request, risk) -> dict:
    p = request.principal
    return {
        "risk_incidents": list(selectors.incidents_visible_to(p).filter(risks=risk).order_by("-reported_at", "-pk"))
    }


def _measure(request, measure) -> dict:
    p = request.principal
    return {
        "risk_incidents": list(
            selectors.incidents_visible_to(p).filter(measures=measure).order_by("-reported_at", "-pk")
        )
    }


def _measure_visible(p, measure) -> bool:
    return selectors.incidents_visible_to(p).filter(measures=measure).exists()


def _risk_visible(p, risk) -> bool:
    return selectors.incidents_visible_to(p).filter(risks=risk).exists()


def incidents_since(since) -> list[StandingItem]:
    """Incidents reported since the previous meeting (all, before the first), one item per
    förvaltning/bolag: numbers and categories, never the reports' texts."""
    incidents = Incident.objects.select_related("unit").order_by("reported_at", "pk")
    if since is not None:
        incidents = incidents.filter(reported_at__gte=since)
    by_unit: dict[int | None, list[Incident]] = defaultdict(list)
    units = {}
    for incident in incidents:
        by_unit[incident.unit_id].append(incident)
        units[incident.unit_id] = incident.unit
    items = []
    for unit_id, found in sorted(by_unit.items(), key=lambda item: units[item[0]].name if item[0] else ""):
        unit = units[unit_id]
        name = unit.name if unit is not None else _("Ingen förvaltning angiven")
        links = [
            (
                f"{incident.number}: {incident.category or _('inte bedömd')}",
                reverse("incidents:incident_detail", args=[incident.pk]),
            )
            for incident in found[:25]
        ]
        if unit is not None:
            links.append(
                (
                    _("Alla incidenter i %(unit)s") % {"unit": name},
                    reverse("incidents:incident_list") + f"?unit={unit.pk}",
                )
            )
        items.append(
            StandingItem(
                key="incidents_since_last_meeting",
                title=_("Incidenter sedan förra mötet: %(unit)s") % {"unit": name},
                description=ngettext(
                    "%(count)s incident har rapporterats sedan förra mötet.",
                    "%(count)s incidenter har rapporterats sedan förra mötet.",
                    len(found),
                )
                % {"count": len(found)},
                unit=unit,
                links=links,
                count=len(found),
            )
        )
    return items


def _load_demo() -> list[str]:
    from .demo import load_incidents_demo

    return load_incidents_demo()


register_panel("home", Panel("incidents/_home_panel.html", _home, order=1))
register_panel("risks.risk", Panel("incidents/_risk_panel.html", _risk, order=60, visible=_risk_visible))
# The measure's edit and status pages: the incident it was created from (linked both ways).
register_panel("risks.measure", Panel("incidents/_risk_panel.html", _measure, order=60, visible=_measure_visible))
register_standing_item("incidents_since_last_meeting", incidents_since)
register_loader("demo", "incidents", _load_demo)


# --- Deadlines (lis.core.deadlines, issue 15) -------------------------------------------------
# The legal reporting clocks (lis.incidents.clocks): each open deadline of a triggered clock of
# an incident not yet closed, due at its exact moment, for the handler and the säkerhetsstrateg
# (as the clocks' own notices are). Legal: sent at once, never batched.


def _clock_deadlines(until) -> list[Deadline]:
    """Three queries: the strategists, the clocks with their incidents, and their reports."""
    from django.utils import timezone

    from lis.core import changelog

    from . import clocks
    from .models import Clock

    now = timezone.now()
    strategist_ids = tuple(selectors.strategists().order_by("pk").values_list("pk", flat=True))
    open_clocks = (
        Clock.objects.filter(triggered=True, not_reporting_decided_at__isnull=True)
        .exclude(incident__status=Incident.Status.CLOSED)
        .select_related("incident")
        .prefetch_related("reports")
        .order_by("pk")
    )
    object_type = changelog.object_type_of(Incident)
    found = []
    for clock in open_clocks:
        incident = clock.incident
        for deadline in clocks.clock_deadlines(clock, now, noticed_at=incident.noticed_at):
            if not deadline.is_open or deadline.due_at is None:
                continue
            due = clocks.local(deadline.due_at).date()
            if due > until:
                continue
            found.append(
                Deadline(
                    kind="incidents.clock",
                    key=f"incidents.clock:{clock.pk}:{deadline.key}:{deadline.due_at.isoformat()}",
                    title=_("%(deadline)s till %(recipient)s: incident %(number)s")
                    % {"deadline": deadline.name, "recipient": deadline.recipient, "number": incident.number},
                    due=due,
                    url=reverse("incidents:incident_detail", args=[incident.pk]),
                    responsible_id=incident.handler_id,
                    unit_id=incident.unit_id,
                    object_type=object_type,
                    object_id=str(incident.pk),
                    due_at=deadline.due_at,
                    legal=True,
                    also_ids=strategist_ids,
                )
            )
    return found


register_deadline_kind(
    DeadlineKind(
        "incidents.clock",
        gettext_lazy("Lagstadgade rapporteringsfrister"),
        collect=_clock_deadlines,
        legal=True,
        order=10,
        list_url=lambda: reverse("incidents:incident_list"),
    )
)
