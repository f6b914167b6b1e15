"""Personal access tokens: created and revoked by their owner, stored hashed, with a scope and an
expiry; their use is recorded with the user as actor."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from lis.api import services
from lis.api.models import ApiToken
from lis.core.models import ChangeLogEntry

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0), tick=True):
        yield


def _bearer(secret: str, language: str = "sv") -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE=language)
    return client


def _create(user, scope="write", days=30):
    return services.token_create(
        actor=user, name="Ekonomisystemets koppling", scope=scope, expires_on=TODAY + datetime.timedelta(days=days)
    )


def test_it_stores_only_the_hash_and_shows_the_secret_once(personas):
    client = personas["coordinator_vaf"].client()
    response = client.post(
        reverse("api:tokens"), {"name": "Rapportverktyg", "scope": "read", "expires_on": "2027-03-01"}
    )
    assert response.status_code == 201
    token = ApiToken.objects.get()
    secret = response.content.decode().split('id="token-secret">')[1].split("<")[0]
    assert len(secret) >= 40 and token.prefix == secret[:8]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (token.name, token.prefix, token.secret_hash)
    entry = ChangeLogEntry.objects.get(object_type="api.apitoken", action="create")
    assert entry.user == personas["coordinator_vaf"].user
    assert "secret_hash" not in entry.changes and secret not in str(entry.changes)
    page = client.get(reverse("api:tokens")).content.decode()
    assert secret not in page and token.prefix in page


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        ("", "Detta fält måste fyllas i."),
        ("2028-01-01", "En token får gälla högst ett år."),
        ("2026-11-30", "förflutna"),
    ],
)
def test_it_rejects_a_bad_expiry(personas, expires_on, message):
    response = (
        personas["coordinator_vaf"]
        .client()
        .post(reverse("api:tokens"), {"name": "X", "scope": "read", "expires_on": expires_on})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ApiToken.objects.exists()


def test_it_rejects_an_expiry_beyond_one_year_in_the_service(personas):
    with pytest.raises(Exception) as error:
        _create(personas["coordinator_vaf"].user, days=366)
    assert "expires_on" in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_it_revokes_a_token_and_refuses_it_afterwards(personas):
    user = personas["coordinator_vaf"].user
    token, secret = _create(user)
    assert _bearer(secret).get("/api/v1/systems/").status_code == 200
    response = personas["coordinator_vaf"].client().post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ChangeLogEntry.objects.filter(object_type="api.apitoken", action="update", user=user).exists()
    response = _bearer(secret).get("/api/v1/systems/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token är återkallad."}


def test_it_refuses_revoking_another_users_token(personas):
    token, _secret = _create(personas["coordinator_vaf"].user)
    response = personas["strategist"].client().post(reverse("api:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_it_lists_only_the_users_own_tokens(personas):
    _create(personas["coordinator_vaf"].user)
    page = personas["strategist"].client().get(reverse("api:tokens")).content.decode()
    assert "Ekonomisystemets koppling" not in page


def test_it_refuses_an_expired_token(personas):
    _token, secret = _create(personas["coordinator_vaf"].user, days=10)
    with time_machine.travel(datetime.datetime(2026, 12, 11, 12, 0)):
        assert _bearer(secret).get("/api/v1/systems/").status_code == 200
    with time_machine.travel(datetime.datetime(2026, 12, 12, 12, 0)):
        response = _bearer(secret).get("/api/v1/systems/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token har gått ut."}


def test_it_refuses_a_read_only_token_on_writes(personas, amal):
    _token, secret = _create(personas["coordinator_vaf"].user, scope="read")
    client = _bearer(secret)
    assert client.get("/api/v1/systems/").status_code == 200
    response = client.post("/api/v1/systems/", {"name": "Nytt", "unit": amal["units"]["VAF"].pk}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Token får bara läsa")
    assert not ChangeLogEntry.objects.filter(object_type="systems.informationsystem").exists()


def test_it_refuses_the_token_of_a_person_who_has_left(personas):
    persona = personas["coordinator_vaf"]
    _token, secret = _create(persona.user)
    type(persona.person).objects.filter(pk=persona.person.pk).update(ended_on=TODAY)
    response = _bearer(secret).get("/api/v1/systems/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Användaren kan inte längre logga in i LIS."}


def test_it_refuses_the_token_of_an_inactive_login(personas):
    persona = personas["coordinator_vaf"]
    _token, secret = _create(persona.user)
    type(persona.user).objects.filter(pk=persona.user.pk).update(is_active=False)
    assert _bearer(secret).get("/api/v1/systems/").status_code == 401


def test_it_records_token_use_once_a_day_with_the_user_as_actor(personas, make_system):
    persona = personas["coordinator_vaf"]
    system = make_system(unit="VAF")
    token, secret = _create(persona.user)
    client = _bearer(secret)
    client.get("/api/v1/systems/")
    client.get("/api/v1/systems/")
    used = ChangeLogEntry.objects.filter(event="api_token_used")
    assert used.count() == 1 and used.get().user == persona.user and used.get().changes == {"prefix": token.prefix}
    token.refresh_from_db()
    assert token.last_used_at is not None
    response = client.patch(f"/api/v1/systems/{system.pk}/", {"description": "Ändrad via API"}, format="json")
    assert response.status_code == 200
    entry = ChangeLogEntry.objects.filter(object_type="systems.informationsystem", action="update").latest("sequence")
    assert entry.user == persona.user and entry.changes["description"] == ["", "Ändrad via API"]
    with time_machine.travel(datetime.datetime(2026, 12, 2, 9, 0)):
        _bearer(secret).get("/api/v1/systems/")
    assert ChangeLogEntry.objects.filter(event="api_token_used").count() == 2


def test_the_tokens_page_requires_login(db):
    response = APIClient().get(reverse("api:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(settings.LOGIN_URL))
