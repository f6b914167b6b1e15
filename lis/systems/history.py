"""How the register's change-log entries read and which unit they belong to (lis.core.history)."""

from __future__ import annotations

from lis.core.history import pack_name, register

from .models import Agreement, InformationSet, InformationSystem, Party, Platform, UserGroup

register(InformationSystem, unit="unit", fields={"operating_model": pack_name("operating_models")})
register(InformationSet, unit="system__unit")
register(Agreement, unit="system__unit")
register(UserGroup, unit="system__unit")
register(Party, unit="internal_unit")
register(Platform)
