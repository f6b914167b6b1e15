"""Errors as {"detail": ...} in Swedish, or English by Accept-Language: 400, 401, 403, 404, 429."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lis.systems.models import InformationSystem


@pytest.mark.parametrize(
    ("language", "message"),
    [
        (None, "Autentiseringsuppgifter ej tillhandahållna."),
        ("sv", "Autentiseringsuppgifter ej tillhandahållna."),
        ("en-GB,en;q=0.9", "Authentication credentials were not provided."),
    ],
)
def test_it_answers_401_without_a_token(db, language, message):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    response = APIClient().get("/api/v1/systems/", **headers)
    assert response.status_code == 401
    assert response.json() == {"detail": message}
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Language"] == (language or "sv")[:2]


@pytest.mark.parametrize(
    ("language", "message"), [("sv", "Ogiltiga inloggningsuppgifter."), ("en", "Incorrect authentication credentials.")]
)
def test_it_answers_401_for_an_unknown_token(db, language, message):
    response = APIClient().get(
        "/api/v1/systems/", HTTP_AUTHORIZATION="Bearer inte-en-riktig-token", HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 401
    assert response.json() == {"detail": message}


@pytest.mark.parametrize(
    ("language", "message"),
    [("sv", "Du har inte behörighet till detta."), ("en", "You do not have permission to do this.")],
)
def test_it_answers_403_when_the_service_refuses(personas, make_system, api_client, language, message):
    system = make_system(unit="BUF")
    # The IT-chef reads every system but changes none of a förvaltning's.
    client = api_client(personas["it_manager"].user, language=language)
    response = client.patch(f"/api/v1/systems/{system.pk}/", {"description": "X"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": message}
    system.refresh_from_db()
    assert system.description == ""


@pytest.mark.parametrize(("language", "message"), [("sv", "Hittades inte."), ("en", "Not found.")])
def test_it_answers_404_for_a_system_the_user_may_not_see(personas, make_system, api_client, language, message):
    system = make_system(unit="BUF")
    client = api_client(personas["coordinator_vaf"].user, language=language)
    for url in (
        f"/api/v1/systems/{system.pk}/",
        "/api/v1/systems/999999/",
        f"/api/v1/systems/{system.pk}/information-sets/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": message}


@pytest.mark.parametrize(("language", "message"), [("sv", "Förfrågan stoppades"), ("en", "Request was throttled.")])
def test_it_answers_429_past_the_tokens_rate(personas, api_client, settings, language, message):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api_token": "3/min"}}
    client = api_client(personas["coordinator_vaf"].user, language=language)
    for _ in range(3):
        assert client.get("/api/v1/parties/").status_code == 200
    response = client.get("/api/v1/parties/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith(message)
    assert 0 < int(response["Retry-After"]) <= 60
    # The rate is per token: another token of another user is not held back.
    assert api_client(personas["strategist"].user).get("/api/v1/parties/").status_code == 200


def test_it_answers_400_with_the_services_field_errors_and_writes_nothing(personas, amal, api_client):
    client = api_client(personas["coordinator_vaf"].user)
    response = client.post(
        "/api/v1/systems/", {"name": "Ärendesystem", "unit": amal["units"]["VAF"].pk, "secrecy": True}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Uppgifterna är inte giltiga. Se felen per fält."
    assert body["errors"] == {"secrecy_provision": ["Ange lagrummet för sekretessen (t.ex. 26 kap. 1 § OSL)."]}
    assert not InformationSystem.objects.exists()


def test_it_answers_400_with_the_serializers_field_errors(personas, api_client):
    response = api_client(personas["coordinator_vaf"].user).post(
        "/api/v1/systems/", {"description": "x"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "unit"}
    assert response.json()["errors"]["name"] == ["Detta fält måste fyllas i."]


def test_it_answers_400_for_a_bad_filter(personas, api_client):
    response = api_client(personas["coordinator_vaf"].user).get("/api/v1/systems/?status=okand")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_it_answers_404_for_a_bad_cursor(personas, api_client):
    response = api_client(personas["coordinator_vaf"].user).get("/api/v1/systems/?cursor=trasig")
    assert response.status_code == 404
    assert response.json() == {"detail": "Ogiltig cursor."}
