"""Passwords (issue 10, item 14): the rules, changing one's own, the forced change after an
administrator chose the password, and the throttle on one address spraying many user names."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from lis.conftest import PASSWORD
from lis.core import services
from lis.core.models import ChangeLogEntry, User
from lis.organisation import services as organisation_services

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
NEW_PASSWORD = "Sommarkväll-vid-Vänern"
TEMPORARY_PASSWORD = "Tillfälligt-lösen-från-IT"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def rule_messages(password: str, user: User) -> list[str]:
    with translation.override("sv"):
        with pytest.raises(ValidationError) as caught:
            validate_password(password, user)
    return caught.value.messages


# --- the rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaaaa", "123456789012", "abcabcabcabc", "987654321098", "qwertyuiopås", "aaaaaa123456", "zyxwvutsrqpo"],
)
def test_it_rejects_trivial_repetitions_and_sequences(personas, password):
    messages = rule_messages(password, personas["employee_vaf"].user)
    assert any("upprepningar eller följder" in message for message in messages), messages


@pytest.mark.parametrize("password", ["Q1w2e3r4t5y6", "1qaz2wsx3edc", "Password2026!", "iloveyou-1234"])
def test_it_rejects_passwords_from_the_shipped_breach_list_also_padded(personas, password):
    messages = rule_messages(password, personas["employee_vaf"].user)
    assert any("läckta och vanliga lösenord" in message for message in messages), messages


def test_it_rejects_a_password_like_the_users_own_name(personas):
    user = personas["coordinator_vaf"].user
    messages = rule_messages("coordinator_vaf!", user)
    assert any("likt" in message for message in messages), messages


def test_it_rejects_passwords_shorter_than_12_characters_in_swedish(personas):
    messages = rule_messages("Vänern-2026", personas["employee_vaf"].user)
    assert any("12 tecken" in message for message in messages), messages


@pytest.mark.parametrize("password", [NEW_PASSWORD, PASSWORD, "korrekt häst batteri häftklammer"])
def test_it_accepts_a_long_passphrase(personas, password):
    validate_password(password, personas["employee_vaf"].user)


# --- changing one's own password ---------------------------------------------------------------


def change(client: Client, old: str, new: str, again: str | None = None, **extra):
    return client.post(
        reverse("core:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new if again is None else again},
        **extra,
    )


def test_it_links_the_password_change_page_from_the_user_menu(personas):
    response = personas["board_member_bun"].client().get(reverse("core:home"))
    assert f'href="{reverse("core:password_change")}"' in response.content.decode()


def test_it_lets_every_persona_change_their_own_password(personas):
    for persona in personas.values():
        client = persona.client()
        response = change(client, PASSWORD, NEW_PASSWORD)
        assert response.status_code == 302 and response["Location"] == reverse("core:home"), persona.key
        # Still logged in (the session follows the new password), and the new password works.
        assert client.get(reverse("core:home")).status_code == 200
        persona.user.refresh_from_db()
        assert persona.user.check_password(NEW_PASSWORD)


def test_it_records_the_change_as_an_event_and_never_the_password(personas):
    user, client = personas["employee_vaf"].user, personas["employee_vaf"].client()
    before = ChangeLogEntry.objects.count()
    change(client, PASSWORD, NEW_PASSWORD)
    entries = list(ChangeLogEntry.objects.order_by("sequence")[before:])
    assert [(e.event, e.user, e.object_id) for e in entries] == [("password_changed", user, str(user.pk))]
    user.refresh_from_db()
    written = json.dumps([[e.changes, e.object_repr, e.user_name] for e in entries], ensure_ascii=False)
    for secret in (PASSWORD, NEW_PASSWORD, user.password):
        assert secret not in written


@pytest.mark.parametrize(
    ("old", "new", "again", "field", "message"),
    [
        ("fel-lösenord-helt-och-hållet", NEW_PASSWORD, None, "old_password", "nuvarande lösenordet är fel"),
        (PASSWORD, "aaaaaaaaaaaa", None, "new_password1", "upprepningar eller följder"),
        (PASSWORD, "Password2026!", None, "new_password1", "läckta och vanliga"),
        (PASSWORD, PASSWORD, None, "new_password1", "skilja sig"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "new_password2", "inte lika"),
    ],
)
def test_it_rejects_a_bad_change_with_a_field_error_and_writes_nothing(personas, old, new, again, field, message):
    user, client = personas["employee_vaf"].user, personas["employee_vaf"].client()
    hashed, before = user.password, ChangeLogEntry.objects.count()
    response = change(client, old, new, again)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors.get(field, [])), errors
    user.refresh_from_db()
    assert user.password == hashed and ChangeLogEntry.objects.count() == before


def test_it_refuses_to_change_someone_elses_password(personas):
    with pytest.raises(PermissionDenied):
        services.user_password_change(
            actor=personas["administrator"].user,
            user=personas["employee_vaf"].user,
            old_password=PASSWORD,
            new_password=NEW_PASSWORD,
        )


# --- forced change after an administrator chose the password ------------------------------------


@pytest.fixture
def new_login(personas, amal) -> User:
    person = organisation_services.person_create(
        actor=None, first_name="Nyanställd", last_name="Andersson", unit=amal["units"]["VAF"], kind="employee"
    )
    return organisation_services.person_login_create(
        actor=personas["administrator"].user, person=person, username="ny.andersson", password=TEMPORARY_PASSWORD
    )


def test_it_sends_someone_with_an_administrators_password_to_the_change_page_first(new_login):
    assert new_login.must_change_password
    client = Client()
    response = client.post(reverse("core:login"), {"username": "ny.andersson", "password": TEMPORARY_PASSWORD})
    assert response.status_code == 302
    change_page = reverse("core:password_change")
    for page in (
        reverse("core:home"),
        reverse("core:changelog"),
        reverse("core:notifications"),
        reverse("organisation:unit_list"),
    ):
        response = client.get(page)
        assert response.status_code == 302 and response["Location"] == change_page, page
    htmx = client.get(reverse("core:home"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == change_page
    page = client.get(change_page)
    assert page.status_code == 200 and "tillfälligt" in page.content.decode()
    # Pages open to everyone stay open.
    assert client.get(reverse("policy:current")).status_code == 200

    assert change(client, TEMPORARY_PASSWORD, NEW_PASSWORD).status_code == 302
    new_login.refresh_from_db()
    assert not new_login.must_change_password
    assert client.get(reverse("core:home")).status_code == 200


def test_it_lets_someone_who_must_change_their_password_log_out(new_login):
    client = Client()
    client.force_login(new_login)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302 and response["Location"] == reverse("core:login")
    assert "_auth_user_id" not in client.session


def test_it_keeps_an_administrators_password_forced_until_a_valid_change(new_login):
    client = Client()
    client.force_login(new_login)
    change(client, TEMPORARY_PASSWORD, "aaaaaaaaaaaa")
    new_login.refresh_from_db()
    assert new_login.must_change_password
    assert client.get(reverse("core:home"))["Location"] == reverse("core:password_change")


# --- one address spraying a password over many user names ---------------------------------------

SPRAY = {"LIS_LOGIN_SPRAY_FAILURES": 6, "LIS_LOGIN_SPRAY_USERNAMES": 4, "LIS_LOGIN_SPRAY_MINUTES": 30}


def log_in(username: str, password: str, address: str, **meta) -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=address, **meta)
    response = client.post(reverse("core:login"), {"username": username, "password": password})
    return client, response


def spray(address: str, usernames: list[str], **meta) -> None:
    for username in usernames:
        _client, response = log_in(username, "Sommar2026!", address, **meta)
        assert response.status_code == 200


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_it_locks_an_address_spraying_many_usernames_while_another_address_logs_in(personas, settings):
    for name, value in SPRAY.items():
        setattr(settings, name, value)
    usernames = ["strategist", "hr", "employee_vaf", "okand.person", "it_manager", "administrator"]
    spray("198.51.100.7", usernames)

    client, response = log_in("strategist", PASSWORD, "198.51.100.7")
    assert not logged_in(client)
    assert "från din adress" in response.content.decode()
    # The accounts are not locked: the same person logs in from another address.
    client, _response = log_in("strategist", PASSWORD, "198.51.100.8")
    assert logged_in(client)


def test_it_frees_the_address_when_its_failures_are_older_than_the_window(personas, settings, _today):
    for name, value in SPRAY.items():
        setattr(settings, name, value)
    spray("198.51.100.7", ["strategist", "hr", "employee_vaf", "okand.person", "it_manager", "administrator"])
    _today.shift(datetime.timedelta(minutes=31))
    client, _response = log_in("hr", PASSWORD, "198.51.100.7")
    assert logged_in(client)


def test_it_does_not_lock_an_address_for_failures_on_few_usernames(personas, settings):
    for name, value in SPRAY.items():
        setattr(settings, name, value)
    spray("198.51.100.7", ["strategist", "hr", "employee_vaf"] * 3)
    client, _response = log_in("it_manager", PASSWORD, "198.51.100.7")
    assert logged_in(client)


def test_it_locks_the_real_client_address_behind_the_proxy(personas, settings):
    for name, value in SPRAY.items():
        setattr(settings, name, value)
    settings.AXES_IPWARE_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    usernames = ["strategist", "hr", "employee_vaf", "okand.person", "it_manager", "administrator"]
    spray(proxy, usernames, HTTP_X_FORWARDED_FOR="203.0.113.66")

    client, _response = log_in("hr", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert not logged_in(client)
    # Everyone else behind the same proxy still logs in.
    client, _response = log_in("hr", PASSWORD, proxy, HTTP_X_FORWARDED_FOR="203.0.113.67")
    assert logged_in(client)
