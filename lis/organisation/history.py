"""How the organisation's change-log entries read and which unit they belong to (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import register

from .models import Board, Decision, OrgUnit, Person, RoleAssignment

register(OrgUnit, unit="")
register(Board, unit="governed_units")
register(Person, unit="unit", person="")
register(RoleAssignment, unit="unit", person="person")
register(Decision, unit="board__governed_units", labels={"recorded_by": _("registrerat av")})
