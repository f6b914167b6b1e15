"""Compliance rules over the register: BIL1-2, BIL1-3, POL-3.11 (in part) and POL-3.12 (with lis.training)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from lis.core import access
from lis.core.rules import Finding, rule
from lis.organisation.models import OrgUnit

from .models import InformationSystem
from .reviews import agreement_reviews_due, documentation_reviews_due, overdue_findings_per_unit
from .selectors import annotated, missing_bil1_2_q


def _register():
    return annotated(InformationSystem.objects.exclude(status=InformationSystem.Status.DECOMMISSIONED))


def findings_per_unit(queryset, message: str, link_query: str) -> list[Finding]:
    """One finding per förvaltning/bolag, naming up to five systems, linking to the filtered list."""
    names_by_unit: dict[int, list[str]] = defaultdict(list)
    for unit_id, name in queryset.order_by("name").values_list("unit_id", "name"):
        names_by_unit[unit_id].append(name)
    units = OrgUnit.objects.in_bulk(list(names_by_unit))
    findings = []
    for unit_id, names in sorted(names_by_unit.items(), key=lambda item: units[item[0]].name):
        shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
        findings.append(
            Finding(
                message=message % {"count": len(names), "systems": shown},
                unit=units[unit_id],
                link=reverse("systems:system_list") + f"?enhet={unit_id}&{link_query}",
                link_text=_("Visa systemen"),
            )
        )
    return findings


@rule("BIL1-2")
def register_complete() -> list[Finding]:
    """Every system names its systemägare, systemansvarig, systemförvaltare, användare and brukare."""
    incomplete = _register().filter(missing_bil1_2_q())
    return findings_per_unit(
        incomplete,
        ngettext_lazy(
            "%(count)s system saknar uppgifter som förteckningen ska ha (systemägare, systemansvarig, "
            "systemförvaltare, användare eller brukare): %(systems)s",
            "%(count)s system saknar uppgifter som förteckningen ska ha (systemägare, systemansvarig, "
            "systemförvaltare, användare eller brukare): %(systems)s",
            "count",
        ),
        "komplett=incomplete",
    )


@rule("BIL1-3")
def operating_model_given() -> list[Finding]:
    return findings_per_unit(
        _register().filter(operating_model=""),
        ngettext_lazy(
            "%(count)s system saknar driftsform: %(systems)s",
            "%(count)s system saknar driftsform: %(systems)s",
            "count",
        ),
        "driftsform=-",
    )


@rule(
    "POL-3.11",
    partial=gettext_lazy(
        "att varje system har en ansvarig chef. Att avtal finns på plats och att chefen tar sitt övriga "
        "ansvar kontrolleras inte."
    ),
)
def responsible_manager_named() -> list[Finding]:
    """In part: every system names its ansvarig chef."""
    return findings_per_unit(
        _register().filter(responsible_manager__isnull=True),
        ngettext_lazy(
            "%(count)s system saknar ansvarig chef: %(systems)s",
            "%(count)s system saknar ansvarig chef: %(systems)s",
            "count",
        ),
        "komplett=incomplete",
    )


@rule("POL-3.12")
def steward_appointed() -> list[Finding]:
    """Every system has a systemförvaltare (their training before the appointment is checked by
    lis.training.rules)."""
    return findings_per_unit(
        _register().filter(system_steward__isnull=True),
        ngettext_lazy(
            "%(count)s system saknar systemförvaltare: %(systems)s",
            "%(count)s system saknar systemförvaltare: %(systems)s",
            "count",
        ),
        "komplett=incomplete",
    )


# --- recurring reviews (issue 15): overdue reviews of the documentation and the agreements -------


@rule(
    "POL-3.31",
    partial=gettext_lazy(
        "att systemens dokumentation i förteckningen och deras avtal granskas inom packets intervall."
    ),
)
def register_reviews_on_time() -> list[Finding]:
    """In part: the revisions POL-3.31 asks the E-råd to remind about – every system's
    documentation and every agreement in force reviewed within the pack's interval. Overdue:
    the next review was before today. Two queries and the units."""
    today = access.today()
    yesterday = today - datetime.timedelta(days=1)
    documentation = documentation_reviews_due(yesterday).values_list("unit_id", "pk", "name")
    agreements = agreement_reviews_due(yesterday, today).values_list("system__unit_id", "system_id", "system__name")
    return [
        *overdue_findings_per_unit(
            documentation,
            ngettext_lazy(
                "%(count)s system har dokumentation som skulle ha granskats: %(systems)s",
                "%(count)s system har dokumentation som skulle ha granskats: %(systems)s",
                "count",
            ),
            list_query="granskning=forsenad",
        ),
        *overdue_findings_per_unit(
            agreements,
            ngettext_lazy(
                "%(count)s system har avtal som skulle ha granskats: %(systems)s",
                "%(count)s system har avtal som skulle ha granskats: %(systems)s",
                "count",
            ),
            tab="avtal",
            list_query="granskning=forsenad",
        ),
    ]
