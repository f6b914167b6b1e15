"""The register's access matrix repeated through the API: every persona × list, detail, create
and update, own and other unit, gets the same answer as on the pages (POL-2.3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.organisation.tests.test_access_matrix import ALL
from lis.systems.models import InformationSet, InformationSystem
from lis.systems.tests.test_access_matrix import PAGES

# API endpoint → the page of the systems matrix whose answer it must give (200 on a page is
# 200 or 201 through the API).
READS = {"vaf": "vaf", "buf": "buf", "stewarded": "stewarded"}
UPDATES = {"buf": "buf_edit", "stewarded": "stewarded_edit"}
CASES = [(name, persona) for name in READS for persona in ALL]
UPDATE_CASES = [(name, persona) for name in UPDATES for persona in ALL]


def _page_answer(page: str, persona: str) -> int:
    _url, default, grants = PAGES[page]
    return grants.get(persona, default)


@pytest.mark.parametrize(("system", "persona"), CASES, ids=[f"{s}-{p}" for s, p in CASES])
def test_it_reads_a_system_exactly_as_the_page(register, api_client, system, persona):
    client = api_client(register["personas"][persona].user, scope="read")
    response = client.get(f"/api/v1/systems/{register[system].pk}/")
    assert response.status_code == _page_answer(READS[system], persona)


@pytest.mark.parametrize("persona", ALL)
def test_it_lists_the_same_systems_as_the_page(register, api_client, persona):
    page = register["personas"][persona].client().get(reverse("systems:system_list")).content.decode()
    api = api_client(register["personas"][persona].user, scope="read").get("/api/v1/systems/")
    assert api.status_code == 200
    names = {row["name"] for row in api.json()["results"]}
    for key in ("vaf", "buf", "stewarded"):
        assert (register[key].name in names) == (register[key].name in page), f"{persona}: {key}"


@pytest.mark.parametrize(("system", "persona"), UPDATE_CASES, ids=[f"{s}-{p}" for s, p in UPDATE_CASES])
def test_it_updates_a_system_exactly_as_the_page(register, api_client, system, persona):
    target = register[system]
    client = api_client(register["personas"][persona].user)
    response = client.patch(f"/api/v1/systems/{target.pk}/", {"description": "Via API"}, format="json")
    expected = _page_answer(UPDATES[system], persona)
    assert response.status_code == expected
    target.refresh_from_db()
    assert (target.description == "Via API") == (expected == 200)


@pytest.mark.parametrize("persona", ALL)
def test_it_creates_an_information_set_exactly_as_the_page(register, api_client, persona):
    client = api_client(register["personas"][persona].user)
    response = client.post(f"/api/v1/systems/{register['buf'].pk}/information-sets/", {"name": "Betyg"}, format="json")
    expected = _page_answer("buf_set_new", persona)
    assert response.status_code == (201 if expected == 200 else expected)
    assert InformationSet.objects.filter(name="Betyg").exists() == (expected == 200)


# Who may register a system in VAF and in BUF: the säkerhetsstrateg and administrator anywhere,
# a förvaltningschef or samordnare in their own förvaltning; the create page refuses the rest.
CREATE = {
    "strategist": {"VAF": 201, "BUF": 201},
    "administrator": {"VAF": 201, "BUF": 201},
    "unit_head_buf": {"VAF": 403, "BUF": 201},
    "coordinator_vaf": {"VAF": 201, "BUF": 403},
}
CREATE_CASES = [(persona, unit) for persona in ALL for unit in ("VAF", "BUF")]


@pytest.mark.parametrize(("persona", "unit"), CREATE_CASES, ids=[f"{p}-{u}" for p, u in CREATE_CASES])
def test_it_creates_a_system_exactly_as_the_page(register, amal, api_client, persona, unit):
    expected = CREATE.get(persona, {}).get(unit, 403)
    # The create page is refused to exactly those who may create nowhere.
    assert (_page_answer("create", persona) == 200) == (persona in CREATE)
    client = api_client(register["personas"][persona].user)
    response = client.post("/api/v1/systems/", {"name": "Nytt system", "unit": amal["units"][unit].pk}, format="json")
    assert response.status_code == expected
    created = InformationSystem.objects.filter(name="Nytt system")
    assert created.exists() == (expected == 201)
    if expected == 201:
        assert (
            ChangeLogEntry.objects.filter(
                object_type="systems.informationsystem", object_id=str(created.get().pk), action="create"
            )
            .get()
            .user
            == register["personas"][persona].user
        )


def test_it_refuses_a_named_person_appointing_through_the_api(register, api_client, amal):
    """The systemförvaltare keeps the system up to date but does not appoint (as on the edit page)."""
    client = api_client(register["personas"]["employee_vaf"].user)
    stewarded = register["stewarded"]
    response = client.patch(
        f"/api/v1/systems/{stewarded.pk}/",
        {"responsible_manager": register["personas"]["employee_vaf"].person.pk},
        format="json",
    )
    assert response.status_code == 403
    stewarded.refresh_from_db()
    assert stewarded.responsible_manager_id is None


@pytest.mark.parametrize("persona", ALL)
def test_it_lists_parties_to_everyone(register, api_client, persona):
    response = api_client(register["personas"][persona].user, scope="read").get("/api/v1/parties/")
    assert response.status_code == _page_answer("parties", persona)
    assert [row["name"] for row in response.json()["results"]] == ["Leverantören AB"]
