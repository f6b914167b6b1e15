"""The register's demo loader (lis.core.extensions)."""

from __future__ import annotations

from lis.core.extensions import register_loader


def _demo() -> list[str]:
    from .demo import load_systems_demo

    return [f"{load_systems_demo()} nya påhittade system i förteckningen."]


register_loader("demo", "systems", _demo)
