"""DESIGN.md "Layers": an app imports only from the apps below it (lis.core.extensions.LAYERS);
what a higher app shows on a lower app's page it registers there. Tests and migrations are left
out (a test may drive several apps; migrations name other apps by string)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from lis.core.extensions import LAYERS, layer_of

LIS = Path(__file__).resolve().parents[2]


def _apps(root: Path) -> list[str]:
    return sorted(path.parent.name for path in root.glob("*/apps.py"))


def _imported_apps(path: Path, app: str, root: Path) -> list[tuple[int, str]]:
    """(line, app label) of every lis app `path` imports, outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    package = path.relative_to(root.parent).with_suffix("").parts[:-1]  # e.g. ("lis", "risks", "management")
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names = [".".join([*base, node.module] if node.module else base)]
            else:
                names = [node.module or ""]
        for name in names:
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "lis" and parts[1] in _apps(root) and parts[1] != app:
                found.append((node.lineno, parts[1]))
    return found


def _violations(root: Path = LIS) -> list[str]:
    problems = []
    for app in _apps(root):
        own = layer_of(app)
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root / app).parts
            if relative[0] in ("tests", "migrations"):
                continue
            for line, imported in _imported_apps(path, app, root):
                if layer_of(imported) >= own:
                    problems.append(f"{path.relative_to(root.parent)}:{line} imports lis.{imported}")
    return problems


def test_every_app_has_a_layer():
    for app in _apps(LIS):
        layer_of(app)  # raises for an app missing from LAYERS


def test_no_app_imports_an_app_above_it_or_beside_it():
    assert _violations() == []


def test_it_catches_an_upward_or_sideways_import_and_ignores_type_only_ones(tmp_path):
    """The check itself, on a small tree of apps."""
    root = tmp_path / "lis"
    for app in ("core", "systems", "risks", "council", "incidents"):
        (root / app).mkdir(parents=True)
        (root / app / "apps.py").write_text("", encoding="utf-8")
    (root / "systems" / "views.py").write_text(
        "from typing import TYPE_CHECKING\nfrom lis.core import access\nif TYPE_CHECKING:\n"
        "    from lis.risks.models import Risk\n\ndef f():\n    from lis.risks import selectors\n",
        encoding="utf-8",
    )
    (root / "council" / "rules.py").write_text("from ..incidents import models\n", encoding="utf-8")
    (root / "risks" / "tests").mkdir()
    (root / "risks" / "tests" / "test_x.py").write_text("from lis.council import models\n", encoding="utf-8")
    assert _violations(root) == [
        "lis/council/rules.py:1 imports lis.incidents",
        "lis/systems/views.py:7 imports lis.risks",
    ]


@pytest.mark.parametrize("lower, higher", [("systems", "risks"), ("organisation", "plans"), ("core", "compliance")])
def test_the_layers_are_in_the_designs_order(lower, higher):
    assert layer_of(lower) < layer_of(higher)
    assert any(higher in apps for apps in LAYERS)
