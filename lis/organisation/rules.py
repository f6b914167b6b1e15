"""Compliance rules over the organisation."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lis.core.access import can_assign_role, today
from lis.core.rules import Finding, rule

from .models import OrgUnit, Role, RoleAssignment


def _active_assignments(*roles: str):
    return RoleAssignment.objects.active().filter(role__in=roles)


@rule(
    "POL-3.4",
    partial=gettext_lazy(
        "att E-rådet har en ordförande, en representant för varje förvaltning och bolag och "
        "säkerhetsstrategen. Vem som har utsett dem och att representanterna har kunskap och mandat "
        "kontrolleras inte."
    ),
)
def council_membership() -> list[Finding]:
    """E-rådet has a chair, a representative of every förvaltning and bolag, and the
    säkerhetsstrateg as a member."""
    day = today()
    findings = []
    represented = set(_active_assignments(Role.COUNCIL_REPRESENTATIVE).values_list("unit_id", flat=True))
    top_units = OrgUnit.objects.filter(kind__in=[OrgUnit.Kind.ADMINISTRATION, OrgUnit.Kind.COMPANY]).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=day)
    )
    for unit in top_units:
        if unit.pk not in represented:
            findings.append(
                Finding(
                    message=_("%(unit)s har ingen representant i E-rådet.") % {"unit": unit.name},
                    unit=unit,
                    link=reverse("organisation:role_assign") + f"?unit={unit.pk}&role={Role.COUNCIL_REPRESENTATIVE}",
                    link_text=_("Utse representant"),
                    may_follow=lambda p, unit=unit: can_assign_role(p, Role.COUNCIL_REPRESENTATIVE, unit, None),
                )
            )
    held = set(_active_assignments(Role.SECURITY_STRATEGIST, Role.COUNCIL_CHAIR).values_list("role", flat=True))
    if Role.SECURITY_STRATEGIST not in held:
        findings.append(
            Finding(
                message=_("Ingen säkerhetsstrateg är utsedd, så säkerhetsskyddschefen saknas i E-rådet."),
                link=reverse("organisation:role_assign") + f"?role={Role.SECURITY_STRATEGIST}",
                link_text=_("Utse säkerhetsstrateg"),
                may_follow=lambda p: can_assign_role(p, Role.SECURITY_STRATEGIST, None, None),
            )
        )
    if Role.COUNCIL_CHAIR not in held:
        findings.append(
            Finding(
                message=_("E-rådet har ingen ordförande utsedd av kommundirektören."),
                link=reverse("organisation:role_assign") + f"?role={Role.COUNCIL_CHAIR}",
                link_text=_("Utse ordförande"),
                may_follow=lambda p: can_assign_role(p, Role.COUNCIL_CHAIR, None, None),
            )
        )
    return findings
