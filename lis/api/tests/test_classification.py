"""Classifications through the API: read as the Klassning tab, save/propose and fastställa through
`classification.services`, every persona × own and other unit as on the pages, and four eyes: the
proposer cannot approve, through the API either."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lis.classification import services as classification_services
from lis.classification.models import Classification
from lis.core.models import ChangeLogEntry
from lis.organisation.tests.test_access_matrix import ALL
from lis.systems import services

SETS = ("vaf_set", "buf_set")
CASES = [(key, persona) for key in SETS for persona in ALL]
IDS = [f"{s}-{p}" for s, p in CASES]
LEVELS = {"K": "2", "R": "1", "T": "1"}


def _page(register, persona: str, url: str) -> int:
    return register["personas"][persona].client().get(url).status_code


def _propose(register, information_set, by="strategist"):
    return classification_services.classification_save(
        actor=register["personas"][by].user,
        information_set=information_set,
        levels=LEVELS,
        motivation="m",
        propose=True,
    )


@pytest.mark.parametrize(("key", "persona"), CASES, ids=IDS)
def test_it_reads_a_classification_exactly_as_the_page(register, api_client, key, persona):
    information_set = register[key]
    expected = _page(
        register, persona, reverse("systems:system_detail", args=[information_set.system_id]) + "?flik=klassning"
    )
    response = api_client(register["personas"][persona].user, scope="read").get(
        f"/api/v1/information-sets/{information_set.pk}/classification/"
    )
    assert response.status_code == expected
    if expected == 200 and key == "buf_set":
        body = response.json()
        assert body["approved"] is None and body["open"]["status"] == "proposed"
        assert body["open"]["levels"] == {"K": "1", "R": "1", "T": "1"}
        assert body["open"]["proposed_by"]["name"] == str(register["personas"]["strategist"].person)


@pytest.mark.parametrize(("key", "persona"), CASES, ids=IDS)
def test_it_proposes_exactly_as_the_page(register, api_client, key, persona):
    information_set = register[key]
    expected = _page(register, persona, reverse("classification:classification_edit", args=[information_set.pk]))
    user = register["personas"][persona].user
    response = api_client(user).post(
        f"/api/v1/information-sets/{information_set.pk}/classification/",
        {"levels": LEVELS, "motivation": "Personuppgifter om elever", "propose": True},
        format="json",
    )
    assert response.status_code == expected
    proposed = Classification.objects.filter(information_set=information_set, status="proposed", proposed_by=user)
    assert proposed.exists() == (expected == 200)
    if expected == 200:
        assert response.json()["open"]["levels"] == LEVELS
        assert ChangeLogEntry.objects.filter(object_type="classification.classification", user=user).exists()


def test_it_saves_a_draft_without_proposing(register, api_client):
    information_set = register["vaf_set"]
    response = api_client(register["personas"]["coordinator_vaf"].user).post(
        f"/api/v1/information-sets/{information_set.pk}/classification/",
        {"levels": LEVELS, "motivation": "Akter"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["open"]["status"] == "draft"


@pytest.mark.parametrize(("key", "persona"), CASES, ids=IDS)
def test_it_approves_exactly_as_the_page(register, api_client, key, persona):
    """Two proposals by the strategist on sets of the same system: one fastställd through the
    page's POST, the other through the API; both end the same."""
    system = register[key].system
    by_page = services.information_set_create(actor=None, system=system, name="Via sidan")
    by_api = services.information_set_create(actor=None, system=system, name="Via API")
    page_proposal, api_proposal = _propose(register, by_page), _propose(register, by_api)
    persona_ = register["personas"][persona]
    page = persona_.client().post(
        reverse("classification:classification_approve", args=[page_proposal.pk]),
        {"revision": page_proposal.revision},
    )
    page_proposal.refresh_from_db()
    response = api_client(persona_.user).post(
        f"/api/v1/information-sets/{by_api.pk}/classification/approve/",
        {"revision": api_proposal.revision},
        format="json",
    )
    api_proposal.refresh_from_db()
    assert api_proposal.status == page_proposal.status
    if page.status_code == 404:
        assert response.status_code == 404
    elif api_proposal.status == "approved":
        assert response.status_code == 200 and response.json()["approved"]["id"] == api_proposal.pk
        assert api_proposal.approved_by == persona_.user
    else:
        # Refused: no authority (403), or the proposer themself (400, four eyes).
        assert response.status_code in (400, 403)
        assert response.status_code == (400 if persona == "strategist" else 403)


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("sv", "Den som har föreslagit klassningen kan inte fastställa den. Be en annan behörig person."),
        ("en", "The person who proposed the classification cannot approve it. Ask another authorised person."),
    ],
)
def test_it_refuses_the_proposer_approving_their_own_proposal(register, api_client, language, message):
    information_set = register["vaf_set"]
    client = api_client(register["personas"]["coordinator_vaf"].user, language=language)
    proposed = client.post(
        f"/api/v1/information-sets/{information_set.pk}/classification/",
        {"levels": LEVELS, "motivation": "Akter", "propose": True},
        format="json",
    ).json()["open"]
    before = ChangeLogEntry.objects.count()
    response = client.post(
        f"/api/v1/information-sets/{information_set.pk}/classification/approve/",
        {"revision": proposed["revision"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": [message]}
    assert Classification.objects.get(pk=proposed["id"]).status == "proposed"
    assert ChangeLogEntry.objects.count() == before
    # Someone else with authority may.
    other = api_client(register["personas"]["strategist"].user).post(
        f"/api/v1/information-sets/{information_set.pk}/classification/approve/",
        {"revision": proposed["revision"]},
        format="json",
    )
    assert other.status_code == 200 and other.json()["approved"]["approved_by"]["name"] == str(
        register["personas"]["strategist"].person
    )


def test_it_refuses_approving_a_proposal_changed_since_it_was_read(register, api_client):
    proposal = register["proposal"]
    stale = proposal.revision
    _propose(register, register["buf_set"], by="unit_head_buf")  # back to draft and proposed again
    response = api_client(register["personas"]["administrator"].user).post(
        f"/api/v1/information-sets/{register['buf_set'].pk}/classification/approve/",
        {"revision": stale},
        format="json",
    )
    assert response.status_code == 400
    assert "ändrats sedan du öppnade sidan" in response.json()["errors"]["non_field_errors"][0]
    assert not Classification.objects.filter(status="approved").exists()


def test_it_refuses_approving_without_a_proposal(register, api_client):
    response = api_client(register["personas"]["coordinator_vaf"].user).post(
        f"/api/v1/information-sets/{register['vaf_set'].pk}/classification/approve/", {"revision": 0}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"non_field_errors": ["Bara en föreslagen klassning kan fastställas."]}


def test_it_rejects_bad_levels_naming_the_field_and_writes_nothing(register, api_client):
    response = api_client(register["personas"]["coordinator_vaf"].user).post(
        f"/api/v1/information-sets/{register['vaf_set'].pk}/classification/",
        {"levels": {"K": "9", "R": "1"}, "motivation": "x", "propose": True},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["level_K"] == ["9 är ingen nivå på skalan."]
    assert errors["level_T"] == ["Välj en nivå för Tillgänglighet."]
    assert not Classification.objects.filter(information_set=register["vaf_set"]).exists()


def test_it_requires_the_revision_to_approve(register, api_client):
    response = api_client(register["personas"]["administrator"].user).post(
        f"/api/v1/information-sets/{register['buf_set'].pk}/classification/approve/", {}, format="json"
    )
    assert response.status_code == 400 and "revision" in response.json()["errors"]
    register["proposal"].refresh_from_db()
    assert register["proposal"].status == "proposed"


def test_it_answers_404_for_an_unknown_set(register, api_client):
    response = api_client(register["personas"]["strategist"].user).get(
        "/api/v1/information-sets/999999/classification/"
    )
    assert response.status_code == 404


def test_it_reads_a_classification_in_a_flat_number_of_queries(register, api_client, django_assert_max_num_queries):
    information_set = register["buf_set"]
    for _ in range(3):
        _propose(register, information_set, by="unit_head_buf")
        classification_services.classification_approve(
            actor=register["personas"]["strategist"].user,
            classification=information_set.classifications.get(status="proposed"),
        )
    client = api_client(register["personas"]["unit_head_buf"].user, scope="read")
    client.get("/api/v1/parties/")
    with django_assert_max_num_queries(8):
        body = client.get(f"/api/v1/information-sets/{information_set.pk}/classification/").json()
    assert body["approved"] is not None and len(body["history"]) == 2
