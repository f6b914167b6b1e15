"""Agreements and parties through the API: every persona × read, create and change, own and other
unit, gets the answer of the matching page (the page's GET status, asked live), writes go through
`systems.services` and are recorded with the token's user."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.organisation.tests.test_access_matrix import ALL
from lis.systems import services
from lis.systems.models import Agreement, Party

SYSTEMS = ("vaf", "buf", "stewarded")
CASES = [(system, persona) for system in SYSTEMS for persona in ALL]
IDS = [f"{s}-{p}" for s, p in CASES]


def _page(register, persona: str, url: str) -> int:
    return register["personas"][persona].client().get(url).status_code


def _created(page: int) -> int:
    return 201 if page == 200 else page


@pytest.fixture
def agreements(register):
    return {
        key: services.agreement_create(actor=None, system=register[key], counterparty=register["vendor"], reference=key)
        for key in SYSTEMS
    }


@pytest.mark.parametrize(("system", "persona"), CASES, ids=IDS)
def test_it_reads_agreements_exactly_as_the_page(register, agreements, api_client, system, persona):
    target = register[system]
    expected = _page(register, persona, reverse("systems:system_detail", args=[target.pk]) + "?flik=avtal")
    client = api_client(register["personas"][persona].user, scope="read")
    listed = client.get(f"/api/v1/systems/{target.pk}/agreements/")
    one = client.get(f"/api/v1/systems/{target.pk}/agreements/{agreements[system].pk}/")
    assert listed.status_code == one.status_code == expected
    if expected == 200:
        assert [row["reference"] for row in listed.json()["results"]] == [system]
        assert one.json()["counterparty"] == {"id": register["vendor"].pk, "name": "Leverantören AB"}


@pytest.mark.parametrize(("system", "persona"), CASES, ids=IDS)
def test_it_creates_an_agreement_exactly_as_the_page(register, api_client, system, persona):
    target = register[system]
    expected = _created(_page(register, persona, reverse("systems:agreement_create", args=[target.pk])))
    client = api_client(register["personas"][persona].user)
    response = client.post(
        f"/api/v1/systems/{target.pk}/agreements/",
        {"counterparty": register["vendor"].pk, "reference": "AVT-1", "ends_on": "2027-06-30"},
        format="json",
    )
    assert response.status_code == expected
    created = Agreement.objects.filter(system=target, reference="AVT-1")
    assert created.exists() == (expected == 201)
    if expected == 201:
        entry = ChangeLogEntry.objects.get(object_type="systems.agreement", object_id=str(created.get().pk))
        assert entry.action == "create" and entry.user == register["personas"][persona].user


@pytest.mark.parametrize(("system", "persona"), CASES, ids=IDS)
def test_it_changes_an_agreement_exactly_as_the_page(register, agreements, api_client, system, persona):
    target, agreement = register[system], agreements[system]
    expected = _page(register, persona, reverse("systems:agreement_edit", args=[target.pk, agreement.pk]))
    client = api_client(register["personas"][persona].user)
    response = client.patch(
        f"/api/v1/systems/{target.pk}/agreements/{agreement.pk}/", {"notice_months": 6}, format="json"
    )
    assert response.status_code == expected
    agreement.refresh_from_db()
    assert (agreement.notice_months == 6) == (expected == 200)


def test_it_refuses_an_agreement_of_another_system(register, agreements, api_client):
    client = api_client(register["personas"]["strategist"].user)
    url = f"/api/v1/systems/{register['vaf'].pk}/agreements/{agreements['buf'].pk}/"
    assert client.get(url).status_code == 404
    assert client.patch(url, {"reference": "X"}, format="json").status_code == 404
    agreements["buf"].refresh_from_db()
    assert agreements["buf"].reference == "buf"


@pytest.mark.parametrize(
    ("language", "message"),
    [("sv", "Slutdatum kan inte vara före startdatum."), ("en", "The end date cannot be before the start date.")],
)
def test_it_rejects_dates_out_of_order_naming_the_field(register, api_client, language, message):
    client = api_client(register["personas"]["strategist"].user, language=language)
    response = client.post(
        f"/api/v1/systems/{register['buf'].pk}/agreements/",
        {"counterparty": register["vendor"].pk, "starts_on": "2027-01-01", "ends_on": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors == {"ends_on": [message]}
    assert not Agreement.objects.exists()


@pytest.mark.parametrize("rows", [5, 30])
def test_it_lists_agreements_in_a_flat_number_of_queries(register, api_client, django_assert_max_num_queries, rows):
    for i in range(rows):
        services.agreement_create(
            actor=None, system=register["buf"], counterparty=register["vendor"], reference=f"A{i}"
        )
    client = api_client(register["personas"]["unit_head_buf"].user, scope="read")
    client.get("/api/v1/parties/")  # the token's first use of the day writes its event
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/systems/{register['buf'].pk}/agreements/?page_size=50")
    assert len(response.json()["results"]) == rows


# --- parties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ALL)
def test_it_reads_a_party_exactly_as_the_page(register, api_client, persona):
    party = register["vendor"]
    expected = _page(register, persona, reverse("systems:party_detail", args=[party.pk]))
    response = api_client(register["personas"][persona].user, scope="read").get(f"/api/v1/parties/{party.pk}/")
    assert response.status_code == expected
    assert response.json()["organisation_number"] == "556677-8899"


@pytest.mark.parametrize("persona", ALL)
def test_it_creates_a_party_exactly_as_the_page(register, api_client, persona):
    expected = _created(_page(register, persona, reverse("systems:party_create")))
    response = api_client(register["personas"][persona].user).post(
        "/api/v1/parties/", {"name": "Molnbolaget AB", "kind": "external"}, format="json"
    )
    assert response.status_code == expected
    assert Party.objects.filter(name="Molnbolaget AB").exists() == (expected == 201)


@pytest.mark.parametrize("persona", ALL)
def test_it_changes_a_party_exactly_as_the_page(register, api_client, persona):
    party = register["vendor"]
    expected = _page(register, persona, reverse("systems:party_edit", args=[party.pk]))
    response = api_client(register["personas"][persona].user).patch(
        f"/api/v1/parties/{party.pk}/", {"contact_name": "Kim Kontakt"}, format="json"
    )
    assert response.status_code == expected
    party.refresh_from_db()
    assert (party.contact_name == "Kim Kontakt") == (expected == 200)
    if expected == 200:
        entry = ChangeLogEntry.objects.filter(object_type="systems.party", action="update").latest("sequence")
        assert entry.user == register["personas"][persona].user


def test_it_rejects_a_bad_organisation_number_and_writes_nothing(register, api_client):
    response = api_client(register["personas"]["strategist"].user).post(
        "/api/v1/parties/", {"name": "Fel AB", "kind": "external", "organisation_number": "556677-8890"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "organisation_number": ["Organisationsnumret ska skrivas NNNNNN-NNNN och ha rätt kontrollsiffra."]
    }
    assert not Party.objects.filter(name="Fel AB").exists()


def test_it_answers_404_for_an_unknown_party(register, api_client):
    response = api_client(register["personas"]["strategist"].user).get("/api/v1/parties/999999/")
    assert response.status_code == 404 and response.json() == {"detail": "Hittades inte."}
