"""How the organisation's change-log entries read and which unit they belong to (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import register, register_event

from .models import Board, Decision, OrgUnit, Person, RoleAssignment

register(OrgUnit, unit="")
register(Board, unit="governed_units")
register(Person, unit="unit", person="")
register(RoleAssignment, unit="unit", person="person")
register(Decision, unit="board__governed_units", labels={"recorded_by": _("registrerat av")})
register_event(
    "hr_sync",
    _("Personer inlästa från HR-systemet"),
    details={
        "file": (_("fil"), None),
        "created": (_("nya"), None),
        "updated": (_("ändrade"), None),
        "ended": (_("slutar"), None),
        "unchanged": (_("oförändrade"), None),
    },
)
