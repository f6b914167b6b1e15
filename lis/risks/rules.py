"""Compliance rules over the analyses: POL-2.5, POL-3.15 and POL-3.31 (in part)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lis.core import access
from lis.core.pack import get_pack
from lis.core.rules import Finding, rule
from lis.organisation.models import OrgUnit
from lis.organisation.selectors import active_q
from lis.organisation.services import mandate_period_for
from lis.systems.models import InformationSystem

from .models import Measure, Risk, SecurityAnalysis
from .selectors import overdue


def _current_period():
    return mandate_period_for(access.today(), get_pack().action_plan_period_anchor)


def _analysis_links(period) -> dict[int, str]:
    return {
        unit_id: reverse("risks:analysis_detail", args=[pk])
        for pk, unit_id in SecurityAnalysis.objects.filter(period=period).values_list("pk", "unit_id")
    }


@rule(
    "POL-2.5",
    partial=gettext_lazy(
        "att varje system över den lägsta nivån har minst en bedömd risk i mandatperiodens analys. Att "
        "hotbilden analyseras fortlöpande och att analysen inte har blivit inaktuell kontrolleras inte."
    ),
)
def systems_analysed() -> list[Finding]:
    """Every system above the lowest level has a risk assessed in the current mandatperiod."""
    period = _current_period()
    assessed = Risk.objects.filter(system=OuterRef("pk"), analysis__period=period)
    unanalysed = (
        InformationSystem.objects.exclude(status=InformationSystem.Status.DECOMMISSIONED)
        .exclude(Q(classified=True, level_rank=0))
        .exclude(Exists(assessed))
    )
    names: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in unanalysed.order_by("name").values_list("unit_id", "name"):
        names[unit_id].append(name)
    units = OrgUnit.objects.in_bulk(list(names))
    links = _analysis_links(period)
    return [
        Finding(
            message=ngettext(
                "%(count)s system saknar bedömda risker för mandatperioden %(period)s: %(systems)s",
                "%(count)s system saknar bedömda risker för mandatperioden %(period)s: %(systems)s",
                len(systems),
            )
            % {
                "count": len(systems),
                "period": period,
                "systems": ", ".join(systems[:5]) + (" …" if len(systems) > 5 else ""),
            },
            unit=units[unit_id],
            link=links.get(unit_id, reverse("risks:analysis_list")),
            link_text=_("Visa analysen") if unit_id in links else _("Påbörja analys"),
        )
        for unit_id, systems in sorted(names.items(), key=lambda item: units[item[0]].name)
    ]


@rule("POL-3.15")
def analysis_reported() -> list[Finding]:
    """Each förvaltning and bolag has an analysis for the current period, reported to its board."""
    period = _current_period()
    analyses = {a.unit_id: a for a in SecurityAnalysis.objects.filter(period=period)}
    findings = []
    top = OrgUnit.objects.filter(active_q(), kind__in=["administration", "company"]).order_by("name")
    for unit in top:
        analysis = analyses.get(unit.pk)
        if analysis is None:
            message = _("Ingen informationssäkerhetsanalys för mandatperioden %(period)s (slutar %(end)s).")
            link = reverse("risks:analysis_list")
        elif analysis.status != SecurityAnalysis.Status.REPORTED:
            message = _("Analysen för mandatperioden %(period)s är inte rapporterad till nämnd eller styrelse.")
            link = reverse("risks:analysis_detail", args=[analysis.pk])
        else:
            continue
        findings.append(
            Finding(
                message=message % {"period": period, "end": period.ends_on.isoformat()},
                unit=unit,
                link=link,
                link_text=_("Visa analyserna") if analysis is None else _("Visa analysen"),
            )
        )
    return findings


@rule(
    "POL-3.31",
    partial=gettext_lazy(
        "att inga beslutade åtgärder är försenade och att E-rådets råd följs upp i tid. Att E-rådet följer "
        "upp policyn och påminner förvaltningar och bolag om revideringar kontrolleras inte."
    ),
)
def measures_on_time() -> list[Finding]:
    """In part: decided measures are carried out – overdue measures per förvaltning/bolag."""
    late: dict[int, list[str]] = defaultdict(list)
    for unit_id, title in (
        overdue(Measure.objects.all(), access.today()).order_by("due_on").values_list("analysis__unit_id", "title")
    ):
        late[unit_id].append(title)
    units = OrgUnit.objects.in_bulk(list(late))
    return [
        Finding(
            message=ngettext(
                "%(count)s åtgärd är försenad: %(measures)s",
                "%(count)s åtgärder är försenade: %(measures)s",
                len(titles),
            )
            % {"count": len(titles), "measures": ", ".join(titles[:3]) + (" …" if len(titles) > 3 else "")},
            unit=units[unit_id],
            link=reverse("risks:measure_list") + f"?enhet={unit_id}&forsenad=1",
            link_text=_("Visa åtgärderna"),
        )
        for unit_id, titles in sorted(late.items(), key=lambda item: units[item[0]].name)
    ]
