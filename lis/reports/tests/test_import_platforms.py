"""Issue 13: the register sheet's Plattform column holds the names of the system's platforms
(POL-3.29), matched by name on import; an unknown name is refused and nothing is written."""

from __future__ import annotations

from lis.reports import register_xlsx
from lis.systems import services

from .helpers import edited, export, headers, load, row_of


def platform_cell(content: bytes, system_id: int):
    sheet = load(content)
    return sheet.cell(row=row_of(sheet, system_id), column=headers(sheet)["Plattform"]).value


def test_the_platform_column_round_trips(register, personas):
    client = personas["coordinator_vaf"].client()
    vaf = register["vaf"]
    content = export(client)
    assert platform_cell(content, vaf.pk) == "Webb"
    azure = services.platform_create(actor=None, name="Azure", kind="hosting")
    changed = edited(content, {(vaf.pk, "Plattform"): "webb,  AZURE"})
    result = register_xlsx.run_import(changed, user=personas["coordinator_vaf"].user, apply=True)
    assert not result.has_errors and result.applied and result.updated == 1
    assert {p.name for p in vaf.platforms.all()} == {"Webb", "Azure"}
    again = export(client)
    assert platform_cell(again, vaf.pk) == "Azure, Webb"
    result = register_xlsx.run_import(again, user=personas["coordinator_vaf"].user, apply=False)
    assert not result.has_changes
    assert azure in vaf.platforms.all()


def test_it_refuses_an_unknown_platform_in_swedish_and_writes_nothing(register, personas):
    client = personas["coordinator_vaf"].client()
    vaf = register["vaf"]
    changed = edited(export(client), {(vaf.pk, "Plattform"): "Webb, Amiga OS", (vaf.pk, "Beskrivning"): "Ny"})
    result = register_xlsx.run_import(changed, user=personas["coordinator_vaf"].user, apply=True)
    assert result.has_errors and not result.applied
    [issue] = result.errors
    assert issue.column == "Plattform"
    assert "Det finns ingen plattform som heter ”Amiga OS”" in issue.message
    vaf.refresh_from_db()
    assert vaf.description != "Ny"
    assert [p.name for p in vaf.platforms.all()] == ["Webb"]
