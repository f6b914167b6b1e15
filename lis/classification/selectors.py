"""Reads for the classification workflow."""

from __future__ import annotations

from lis.core import access
from lis.core.models import User
from lis.core.pack import get_pack
from lis.organisation.models import Role, RoleAssignment
from lis.systems.models import InformationSystem


def approvers(system: InformationSystem, *, exclude: User | None = None) -> list[User]:
    """Who is told that a classification of `system` waits to be fastställd: those who may
    approve it (access.can_approve_classification) through the system itself, its ansvarig chef
    and the chef and samordnare of its förvaltning or bolag; when there is nobody but `exclude`
    (the proposer), the säkerhetsstrateg, who may approve anything. Administrators are never
    asked: they keep LIS running and are not part of the review."""
    day = access.today()
    parts = system.unit.path.strip("/").split("/")
    unit_paths = ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]
    active = RoleAssignment.objects.active(day).filter(person__user__is_active=True).select_related("person__user")
    local = [a.person.user for a in active.filter(role__in=access.UNIT_MANAGE_ROLES, unit__path__in=unit_paths)]
    manager = system.responsible_manager
    if manager is not None and manager.is_active and manager.user_id and manager.user.is_active:
        local.append(manager.user)

    def others(users: list[User]) -> dict[int, User]:
        return {u.pk: u for u in users if exclude is None or u.pk != exclude.pk}

    candidates = others(local) or others([a.person.user for a in active.filter(role=Role.SECURITY_STRATEGIST)])
    return [u for u in candidates.values() if access.can_approve_classification(access.principal_for(u), system)]


# --- handling advice per level (POL-3.21) ----------------------------------------------------


def handling_level(level_key) -> dict | None:
    """One pack level with its handling advice: key, number, name, description, may, must_not.
    None for an unset or unknown level."""
    pack = get_pack()
    level = next((lv for lv in pack.levels if lv.key == str(level_key)), None) if level_key not in (None, "") else None
    if level is None:
        return None
    advice = pack.handling_for(level.key)
    return {
        "key": level.key,
        "number": level["number"],
        "name": level.name,
        "description": level.get("description", ""),
        "may": advice.may,
        "must_not": advice.must_not,
    }


def handling_levels() -> list[dict]:
    """Every level in the pack's order (lowest first) with its advice."""
    return [handling_level(level.key) for level in get_pack().levels]


def highest_level_key(levels: dict | None) -> str:
    """The highest of a classification's levels per aspect (pack order), or ""."""
    order = [level.key for level in get_pack().levels]
    ranks = [order.index(str(v)) for v in (levels or {}).values() if str(v) in order]
    return order[max(ranks)] if ranks else ""
