"""How the organisation's change-log entries read and which unit they belong to (lis.core.history)."""

from __future__ import annotations

from lis.core.history import register

from .models import Board, OrgUnit, Person, RoleAssignment

register(OrgUnit, unit="")
register(Board, unit="governed_units")
register(Person, unit="unit", person="")
register(RoleAssignment, unit="unit", person="person")
