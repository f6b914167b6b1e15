"""What the API shows: people as on the pages, cursor pages, the list page's filters, a flat
number of queries, and a valid OpenAPI 3 schema."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from drf_spectacular.validation import validate_schema

from lis.conftest import make_persona
from lis.systems import services


@pytest.fixture
def protected(amal):
    return make_persona(amal, "skyddad", unit="VAF", roles=[], protected=True)


@pytest.mark.parametrize(
    ("viewer", "sees_name"),
    [("coordinator_vaf", False), ("strategist", False), ("it_manager", False), ("administrator", True)],
)
def test_it_pseudonymises_a_protected_identity(personas, protected, make_system, api_client, viewer, sees_name):
    system = make_system(unit="VAF", system_steward=protected.person)
    client = api_client(personas[viewer].user, scope="read")
    for row in (
        client.get(f"/api/v1/systems/{system.pk}/").json(),
        client.get("/api/v1/systems/").json()["results"][0],
    ):
        steward = row["system_steward"]
        if sees_name:
            assert steward == {"id": protected.person.pk, "name": str(protected.person)}
        else:
            assert steward == {"id": None, "name": protected.person.pseudonym}
            assert protected.person.last_name not in json.dumps(row)


def test_it_shows_the_protected_person_their_own_name(personas, protected, make_system, api_client):
    system = make_system(unit="VAF", system_steward=protected.person)
    row = api_client(protected.user, scope="read").get(f"/api/v1/systems/{system.pk}/").json()
    assert row["system_steward"]["name"] == str(protected.person)


def test_it_pages_by_cursor_without_gaps_or_repeats(personas, make_system, api_client):
    created = [make_system(unit="VAF", name=f"System {i:02}").pk for i in range(7)]
    client = api_client(personas["coordinator_vaf"].user, scope="read")
    seen, url = [], "/api/v1/systems/?page_size=3"
    while url:
        body = client.get(url).json()
        assert len(body["results"]) <= 3
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    assert seen == sorted(created)


@pytest.mark.parametrize("rows", [5, 30])
def test_it_lists_in_a_flat_number_of_queries(personas, make_system, api_client, django_assert_max_num_queries, rows):
    for i in range(rows):
        make_system(unit="VAF", name=f"System {i:02}", system_steward=personas["employee_vaf"].person)
    client = api_client(personas["coordinator_vaf"].user, scope="read")
    client.get("/api/v1/parties/")  # the token's first use of the day writes its event
    with django_assert_max_num_queries(9):
        response = client.get("/api/v1/systems/?page_size=50")
    assert len(response.json()["results"]) == rows


def test_it_filters_like_the_list_page(personas, amal, make_system, api_client):
    make_system(unit="VAF", name="Ärendesystem", status="procurement")
    make_system(unit="VAF", name="Journalsystem")
    make_system(unit="BUF", name="Skolplattform")
    client = api_client(personas["strategist"].user, scope="read")

    def names(query):
        return sorted(row["name"] for row in client.get(f"/api/v1/systems/?{query}").json()["results"])

    assert names(f"unit={amal['units']['VAF'].pk}") == ["Journalsystem", "Ärendesystem"]
    assert names("status=procurement") == ["Ärendesystem"]
    assert names("q=skol") == ["Skolplattform"]
    assert names("unit=999999") == []
    # A unit the user may not see gives nothing, as on the page.
    coordinator = api_client(personas["coordinator_vaf"].user, scope="read")
    assert coordinator.get(f"/api/v1/systems/?unit={amal['units']['BUF'].pk}").json()["results"] == []


def test_it_hides_a_security_protected_sets_description(personas, make_system, api_client):
    system = make_system(unit="VAF")
    information_set = services.information_set_create(actor=None, system=system, name="Skyddat", description="Hemligt")
    type(information_set).objects.filter(pk=information_set.pk).update(security_protected=True)
    rows = api_client(personas["coordinator_vaf"].user).get(f"/api/v1/systems/{system.pk}/information-sets/").json()
    assert rows["results"][0]["description"] == "" and rows["results"][0]["security_protected"] is True


def test_it_serves_a_valid_openapi_3_schema(personas, api_client):
    response = api_client(personas["employee_vaf"].user, scope="read").get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    assert {
        "/api/v1/systems/",
        "/api/v1/systems/{id}/",
        "/api/v1/systems/{system_pk}/information-sets/",
        "/api/v1/parties/",
    } <= set(schema["paths"])
    assert set(schema["paths"]["/api/v1/systems/{id}/"]) == {"get", "patch"}
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_it_refuses_the_schema_without_login(db):
    assert Client().get("/api/v1/schema/").status_code == 401


def test_it_shows_the_docs_to_a_signed_in_user_only(personas):
    response = personas["employee_vaf"].client().get(reverse("api:docs"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "/api/v1/systems/{id}/" in content and "PATCH" in content
    assert "cdn" not in content.lower()
    anonymous = Client().get(reverse("api:docs"))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse(settings.LOGIN_URL))


def test_the_session_works_for_a_signed_in_user(personas, make_system):
    make_system(unit="VAF")
    response = personas["coordinator_vaf"].client().get("/api/v1/systems/")
    assert response.status_code == 200 and len(response.json()["results"]) == 1
