"""The system page's continuity plan (POL-3.17) on its overview (lis.core.extensions)."""

from __future__ import annotations

from lis.core.extensions import Panel, register_loader, register_panel

from .models import ContinuityPlan


def _continuity(request, system) -> dict:
    return {"continuity_plan": ContinuityPlan.objects.filter(system=system).first()}


register_panel("systems.informationsystem", Panel("plans/_system_continuity.html", _continuity, order=10))


def _reference() -> list[str]:
    from .services import policy_ensure_first_version, routines_ensure_required

    lines = [f"{routines_ensure_required()} nya rutiner att fylla i."]
    policy = policy_ensure_first_version()
    if policy is not None:
        adopted = (
            f"antagen {policy.decision}"
            if policy.decision
            else "beslutet om antagandet är inte registrerat; säkerhetsstrategen registrerar det i LIS"
        )
        lines.append(f"Policyn är publicerad som version {policy.label} ({adopted}).")
    return lines


def _demo() -> list[str]:
    from .demo import load_plans_demo

    load_plans_demo()
    return ["Påhittade handlingsplaner, kontinuitetsplan och rutiner är inlästa."]


register_loader("reference", "plans", _reference)
register_loader("demo", "plans", _demo)
