"""Loading a kommun's reference organisation (boards and units) from the pack's TOML file.

Idempotent: boards are matched by short name, units by short name; a second run changes
nothing. Changes are written through the services, so they are in the change log."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.db import transaction

from lis.core.pack import PackError, get_pack

from . import services
from .models import Board, OrgUnit


def _check_codes(data: dict) -> None:
    """Each unit's HR code (`code`) is used once: the HR sync finds units by it."""
    seen: dict[str, str] = {}
    for index, item in enumerate(data.get("units", [])):
        code = str(item.get("code", "")).strip()
        if not code:
            continue
        if code.casefold() in seen:
            raise PackError(
                f"units[{index}].code",
                f"enhetskoden {code!r} för {item.get('short_name', '')} används redan av {seen[code.casefold()]}.",
            )
        seen[code.casefold()] = str(item.get("short_name", ""))


@transaction.atomic
def load_reference_organisation(path: Path | None = None) -> dict[str, int]:
    pack = get_pack()
    path = path or pack.reference_organisation
    if path is None:
        raise PackError("reference.organisation", "saknas: ingen referensorganisation att läsa in.")
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    _check_codes(data)
    municipality = services.municipality_ensure()
    created = {"boards": 0, "units": 0}

    boards: dict[str, Board] = {b.short_name: b for b in Board.objects.filter(municipality=municipality)}
    for item in data.get("boards", []):
        fields = {k: item[k] for k in services.BOARD_FIELDS if k in item}
        if item["short_name"] not in boards:
            boards[item["short_name"]] = services.board_create(actor=None, **fields)
            created["boards"] += 1
        else:
            services.board_update(actor=None, board=boards[item["short_name"]], **fields)

    units: dict[str, OrgUnit] = {
        u.short_name: u for u in OrgUnit.objects.filter(municipality=municipality).exclude(short_name="")
    }
    for item in data.get("units", []):
        fields = {
            "name": item["name"],
            "short_name": item["short_name"],
            "kind": item["kind"],
            "function": item.get("function", ""),
            "governing_board": boards[item["board"]] if item.get("board") else None,
            "parent": units[item["parent"]] if item.get("parent") else None,
            "organisation_number": item.get("organisation_number", ""),
            "code": str(item.get("code", "")).strip(),
        }
        if item["short_name"] not in units:
            units[item["short_name"]] = services.unit_create(actor=None, **fields)
            created["units"] += 1
        else:
            services.unit_update(actor=None, unit=units[item["short_name"]], **fields)
    return created
