"""The access matrix for the register: persona × page × own/other unit (POL-2.3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lis.classification import services as classification_services
from lis.core.models import ChangeLogEntry
from lis.organisation.tests.test_access_matrix import ALL
from lis.systems import services


@pytest.fixture
def register(personas, amal, make_system, vendor):
    vaf = make_system(unit="VAF", name="Socialtjänstsystem")
    buf = make_system(unit="BUF", name="Skolplattform")
    stewarded = make_system(unit="BUF", name="Elevhälsa", system_steward=personas["employee_vaf"].person)
    vaf_set = services.information_set_create(actor=None, system=vaf, name="Akter")
    buf_set = services.information_set_create(actor=None, system=buf, name="Elever")
    proposal = classification_services.classification_save(
        actor=personas["strategist"].user,
        information_set=buf_set,
        levels={"K": "1", "R": "1", "T": "1"},
        motivation="m",
        propose=True,
    )
    return {
        "vaf": vaf,
        "buf": buf,
        "stewarded": stewarded,
        "vaf_set": vaf_set,
        "buf_set": buf_set,
        "proposal": proposal,
        "vendor": vendor,
        "personas": personas,
    }


READERS_ALL = {"strategist": 200, "administrator": 200, "it_manager": 200}
PAGES = {
    "list": (lambda r: reverse("systems:system_list"), 200, dict.fromkeys(ALL, 200)),
    "vaf": (
        lambda r: reverse("systems:system_detail", args=[r["vaf"].pk]),
        404,
        {**READERS_ALL, "coordinator_vaf": 200},
    ),
    "vaf_history": (
        lambda r: reverse("systems:system_detail", args=[r["vaf"].pk]) + "?flik=historik",
        404,
        {**READERS_ALL, "coordinator_vaf": 200},
    ),
    "buf": (
        lambda r: reverse("systems:system_detail", args=[r["buf"].pk]),
        404,
        {**READERS_ALL, "unit_head_buf": 200, "board_member_bun": 200},
    ),
    # The employee is systemförvaltare of this BUF system: their own thing.
    "stewarded": (
        lambda r: reverse("systems:system_detail", args=[r["stewarded"].pk]),
        404,
        {**READERS_ALL, "unit_head_buf": 200, "board_member_bun": 200, "employee_vaf": 200},
    ),
    "stewarded_edit": (
        lambda r: reverse("systems:system_edit", args=[r["stewarded"].pk]),
        404,
        {
            "strategist": 200,
            "administrator": 200,
            "it_manager": 403,
            "unit_head_buf": 200,
            "board_member_bun": 403,
            "employee_vaf": 200,
        },
    ),
    "buf_edit": (
        lambda r: reverse("systems:system_edit", args=[r["buf"].pk]),
        404,
        {"strategist": 200, "administrator": 200, "it_manager": 403, "unit_head_buf": 200, "board_member_bun": 403},
    ),
    "buf_classify": (
        lambda r: reverse("classification:classification_edit", args=[r["buf_set"].pk]),
        404,
        {"strategist": 200, "administrator": 200, "it_manager": 403, "unit_head_buf": 200, "board_member_bun": 403},
    ),
    "buf_set_new": (
        lambda r: reverse("systems:information_set_create", args=[r["buf"].pk]),
        404,
        {"strategist": 200, "administrator": 200, "it_manager": 403, "unit_head_buf": 200, "board_member_bun": 403},
    ),
    "create": (
        lambda r: reverse("systems:system_create"),
        403,
        {"strategist": 200, "administrator": 200, "unit_head_buf": 200, "coordinator_vaf": 200},
    ),
    "parties": (lambda r: reverse("systems:party_list"), 200, dict.fromkeys(ALL, 200)),
    # The export holds what the user may see; a unit they may not see is not found.
    "export": (lambda r: reverse("reports:register_export"), 200, dict.fromkeys(ALL, 200)),
    "export_buf": (
        lambda r: reverse("reports:register_export") + f"?enhet={r['buf'].unit_id}",
        404,
        {**READERS_ALL, "unit_head_buf": 200, "board_member_bun": 200},
    ),
    "import": (
        lambda r: reverse("reports:register_import"),
        403,
        {"strategist": 200, "administrator": 200, "unit_head_buf": 200, "coordinator_vaf": 200},
    ),
    "party_new": (
        lambda r: reverse("systems:party_create"),
        403,
        {"strategist": 200, "administrator": 200, "unit_head_buf": 200, "coordinator_vaf": 200},
    ),
}
CASES = [(page, persona) for page in PAGES for persona in ALL]


@pytest.mark.parametrize(("page", "persona"), CASES, ids=[f"{p}-{q}" for p, q in CASES])
def test_it_grants_exactly_what_the_matrix_says(register, page, persona):
    url, default, grants = PAGES[page]
    response = register["personas"][persona].client().get(url(register))
    expected = grants.get(persona, default)
    assert response.status_code == expected, f"{persona} got {response.status_code} on {page}, expected {expected}"


def test_it_lists_only_visible_systems(register):
    content = register["personas"]["coordinator_vaf"].client().get(reverse("systems:system_list")).content.decode()
    assert "Socialtjänstsystem" in content and "Skolplattform" not in content
    content = register["personas"]["employee_vaf"].client().get(reverse("systems:system_list")).content.decode()
    assert "Elevhälsa" in content and "Skolplattform" not in content and "Socialtjänstsystem" not in content


@pytest.mark.parametrize("persona", ["coordinator_vaf", "board_member_bun", "it_manager", "employee_vaf"])
def test_it_refuses_approving_a_classification_without_authority(register, persona):
    client = register["personas"][persona].client()
    before = ChangeLogEntry.objects.filter(action="update").count()
    response = client.post(reverse("classification:classification_approve", args=[register["proposal"].pk]))
    assert response.status_code in (403, 404)
    register["proposal"].refresh_from_db()
    assert register["proposal"].status == "proposed"
    assert ChangeLogEntry.objects.filter(action="update").count() == before


def test_it_refuses_posting_to_another_units_system(register):
    client = register["personas"]["coordinator_vaf"].client()
    response = client.post(reverse("systems:information_set_create", args=[register["buf"].pk]), {"name": "X"})
    assert response.status_code == 404
    assert not register["buf"].information_sets.filter(name="X").exists()
