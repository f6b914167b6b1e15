"""Two-step verification for local logins (issue 14 item 2, lis.core.mfa): the app (TOTP),
recovery codes, the pending login between password and code, the setting that requires it of
administrators and the säkerhetsstrateg, and an administrator's reset. The browser test with a
virtual security key is test_mfa_browser.py."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import struct
import time

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from lis.conftest import PASSWORD
from lis.core import mfa
from lis.core.models import ChangeLogEntry

REQUIRED = override_settings(LIS_MFA_REQUIRED_ROLES=frozenset({"administrator", "security_strategist"}))


def totp(secret: str, at: float | None = None) -> str:
    """RFC 6238 written out here, independent of allauth's implementation."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def with_app(user) -> tuple[str, list[str]]:
    """Give `user` an authenticator app as its own set-up page would; (secret, recovery codes)."""
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    codes = mfa.totp_activate(actor=user, secret=secret, code=totp(secret, time.time() - 30))
    return secret, codes


def password_step(client: Client, username: str, next_url: str = "") -> object:
    return client.post(
        reverse("core:login") + (f"?next={next_url}" if next_url else ""),
        {"username": username, "password": PASSWORD, "next": next_url},
    )


def logged_in(client: Client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


@pytest.fixture
def employee(personas):
    return personas["employee_vaf"]


def test_a_login_with_an_app_needs_its_code_after_the_password(employee):
    secret, _codes = with_app(employee.user)
    client = Client()
    response = password_step(client, employee.user.username)
    assert response.status_code == 302 and response.url == reverse("core:login_mfa")
    assert not logged_in(client)

    response = client.post(reverse("core:login_mfa"), {"code": "000000" if totp(secret) != "000000" else "111111"})
    assert response.status_code == 400
    assert "Koden stämmer inte" in response.content.decode()
    assert not logged_in(client)

    response = client.post(reverse("core:login_mfa"), {"code": totp(secret)})
    assert response.status_code == 302 and response.url == reverse("core:home")
    assert logged_in(client)
    login = ChangeLogEntry.objects.filter(event="login", user=employee.user).first()
    assert login.changes["mfa"] == "totp"


def test_it_returns_to_the_page_asked_for_after_the_second_step(employee):
    secret, _codes = with_app(employee.user)
    client = Client()
    password_step(client, employee.user.username, next_url=reverse("training:mine"))
    response = client.post(reverse("core:login_mfa"), {"code": totp(secret)})
    assert response.url == reverse("training:mine")


def test_it_refuses_a_code_that_was_already_used(employee):
    secret, _codes = with_app(employee.user)
    code = totp(secret)
    first = Client()
    password_step(first, employee.user.username)
    assert first.post(reverse("core:login_mfa"), {"code": code}).status_code == 302

    second = Client()
    password_step(second, employee.user.username)
    assert second.post(reverse("core:login_mfa"), {"code": code}).status_code == 400
    assert not logged_in(second)


def test_a_recovery_code_logs_in_once(employee):
    _secret, codes = with_app(employee.user)
    assert len(codes) == 10
    client = Client()
    password_step(client, employee.user.username)
    response = client.post(reverse("core:login_mfa"), {"code": codes[0]}, follow=True)
    assert "Du loggade in med en reservkod. Du har 9 kvar" in response.content.decode()
    assert ChangeLogEntry.objects.filter(event="login").first().changes["mfa"] == "recovery_codes"

    again = Client()
    password_step(again, employee.user.username)
    assert again.post(reverse("core:login_mfa"), {"code": codes[0]}).status_code == 400


def test_the_second_step_expires_after_five_minutes(employee):
    secret, _codes = with_app(employee.user)
    client = Client()
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC), tick=False) as traveller:
        password_step(client, employee.user.username)
        traveller.shift(mfa.PENDING_SECONDS + 1)
        response = client.post(reverse("core:login_mfa"), {"code": totp(secret)})
    assert response.status_code == 302 and response.url == reverse("core:login")
    assert not logged_in(client)


def test_five_wrong_codes_end_the_attempt(employee):
    secret, _codes = with_app(employee.user)
    client = Client()
    password_step(client, employee.user.username)
    wrong = "123456" if totp(secret) != "123456" else "654321"
    for _attempt in range(mfa.MAX_FAILURES - 1):
        assert client.post(reverse("core:login_mfa"), {"code": wrong}).status_code == 400
    response = client.post(reverse("core:login_mfa"), {"code": wrong})
    assert response.status_code == 302 and response.url == reverse("core:login")
    # The right code no longer helps: the password must be given again.
    assert client.post(reverse("core:login_mfa"), {"code": totp(secret)}).url == reverse("core:login")
    assert not logged_in(client)
    assert ChangeLogEntry.objects.filter(event="mfa_failed", object_id=str(employee.user.pk)).count() == 5


def test_the_second_step_is_not_reachable_without_the_password(employee):
    response = Client().get(reverse("core:login_mfa"))
    assert response.status_code == 302 and response.url == reverse("core:login")


def test_a_login_without_mfa_goes_straight_in(employee):
    client = Client()
    response = password_step(client, employee.user.username)
    assert response.url == reverse("core:home")
    assert logged_in(client)


def test_it_sets_up_the_app_from_its_own_page_and_shows_the_recovery_codes_once(employee):
    client = employee.client()
    page = client.get(reverse("core:mfa_totp"))
    assert page.status_code == 200
    secret = client.session[mfa.TOTP_SECRET_KEY]
    assert secret in page.content.decode()
    qr = client.get(reverse("core:mfa_totp_qr"))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content

    assert client.post(reverse("core:mfa_totp"), {"code": "12"}).status_code == 400
    assert not Authenticator.objects.filter(user=employee.user).exists()

    response = client.post(reverse("core:mfa_totp"), {"code": totp(secret)}, follow=True)
    html = response.content.decode()
    assert "Autentiseringsappen är tillagd." in html and "Dina reservkoder" in html
    codes = Authenticator.objects.get(user=employee.user, type="recovery_codes").wrap().get_unused_codes()
    assert all(code in html for code in codes)
    assert "Dina reservkoder" not in client.get(reverse("core:mfa")).content.decode()
    events = set(ChangeLogEntry.objects.filter(event="mfa_added").values_list("changes__type", flat=True))
    assert events == {"totp", "recovery_codes"}


def test_it_keeps_the_app_secret_encrypted_in_the_database(employee):
    secret, _codes = with_app(employee.user)
    stored = Authenticator.objects.get(user=employee.user, type="totp").data["secret"]
    assert secret not in stored
    seed = Authenticator.objects.get(user=employee.user, type="recovery_codes").data["seed"]
    assert len(seed) > 80  # a Fernet token, not the 80-character hex seed


def test_it_rejects_a_second_app(employee):
    with_app(employee.user)
    client = employee.client()
    client.get(reverse("core:mfa_totp"))
    secret = client.session[mfa.TOTP_SECRET_KEY]
    response = client.post(reverse("core:mfa_totp"), {"code": totp(secret)})
    assert response.status_code == 400
    assert "redan en autentiseringsapp" in response.content.decode()


def test_removing_needs_the_password_and_takes_the_recovery_codes_with_the_last_factor(employee):
    with_app(employee.user)
    app = Authenticator.objects.get(user=employee.user, type="totp")
    client = employee.client()
    response = client.post(reverse("core:mfa_remove", args=[app.pk]), {"password": "fel"})
    assert response.status_code == 400 and "Lösenordet stämmer inte" in response.content.decode()
    assert client.post(reverse("core:mfa_remove", args=[app.pk]), {"password": PASSWORD}).status_code == 302
    assert not Authenticator.objects.filter(user=employee.user).exists()
    assert ChangeLogEntry.objects.filter(event="mfa_removed").exists()


def test_nobody_removes_another_persons_factor(personas):
    with_app(personas["employee_vaf"].user)
    app = Authenticator.objects.get(user=personas["employee_vaf"].user, type="totp")
    client = personas["administrator"].client()
    assert client.post(reverse("core:mfa_remove", args=[app.pk]), {"password": PASSWORD}).status_code == 404
    assert Authenticator.objects.filter(pk=app.pk).exists()


def test_new_recovery_codes_replace_the_old_ones(employee):
    _secret, old = with_app(employee.user)
    client = employee.client()
    response = client.post(reverse("core:mfa_recovery_codes"), {"password": PASSWORD}, follow=True)
    new = Authenticator.objects.get(user=employee.user, type="recovery_codes").wrap().get_unused_codes()
    assert set(new).isdisjoint(old)
    assert all(code in response.content.decode() for code in new)
    assert mfa.verify_code(employee.user, old[1]) is None


@REQUIRED
def test_a_required_role_reaches_only_the_setup_until_it_has_a_second_factor(personas):
    strategist = personas["strategist"]
    client = Client()
    password_step(client, strategist.user.username)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url == reverse("core:mfa")
    assert "Din roll kräver tvåstegsverifiering" in client.get(reverse("core:mfa")).content.decode()
    assert client.get(reverse("systems:system_list")).url == reverse("core:mfa")

    client.get(reverse("core:mfa_totp"))
    client.post(reverse("core:mfa_totp"), {"code": totp(client.session[mfa.TOTP_SECRET_KEY])})
    assert client.get(reverse("core:home")).status_code == 200


@REQUIRED
def test_other_roles_are_not_asked(personas):
    client = Client()
    password_step(client, personas["employee_vaf"].user.username)
    assert logged_in(client)


@REQUIRED
def test_a_required_role_cannot_remove_its_last_factor(personas):
    administrator = personas["administrator"].user
    with_app(administrator)
    app = Authenticator.objects.get(user=administrator, type="totp")
    client = Client()
    client.force_login(administrator)
    session = client.session
    session[mfa.VERIFIED_KEY] = "totp"
    session.save()
    response = client.post(reverse("core:mfa_remove", args=[app.pk]), {"password": PASSWORD})
    assert response.status_code == 400 and "Din roll kräver tvåstegsverifiering" in response.content.decode()
    assert Authenticator.objects.filter(pk=app.pk).exists()


@REQUIRED
def test_a_session_that_skipped_the_second_step_is_logged_out(personas):
    administrator = personas["administrator"]
    with_app(administrator.user)
    client = administrator.client()  # a session from before the setting, or forged
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response.url == reverse("core:login")
    assert not logged_in(client)


@REQUIRED
def test_the_api_does_not_accept_a_session_that_owes_the_second_factor(personas):
    client = personas["strategist"].client()
    assert client.get("/api/v1/systems/").status_code in (401, 403)


@REQUIRED
def test_an_sso_login_satisfies_the_requirement(personas):
    user = personas["strategist"].user
    request = RequestFactory().get("/")
    request.session = Client().session
    request.lis_login_details = {"method": "sso", "amr": ["mfa"]}
    user_logged_in.send(sender=type(user), request=request, user=user)
    assert request.session[mfa.VERIFIED_KEY] == "sso"


def test_an_administrator_resets_another_login_with_a_reason(personas):
    employee = personas["employee_vaf"]
    with_app(employee.user)
    admin = personas["administrator"].client()
    url = reverse("organisation:person_mfa_reset", args=[employee.person.pk])
    assert (
        "Återställ tvåstegsverifiering"
        in admin.get(reverse("organisation:person_detail", args=[employee.person.pk])).content.decode()
    )
    assert admin.post(url, {"reason": ""}).status_code == 200
    assert Authenticator.objects.filter(user=employee.user).exists()
    assert admin.post(url, {"reason": "Tappat telefonen, legitimation visad"}).status_code == 302
    assert not Authenticator.objects.filter(user=employee.user).exists()
    entry = ChangeLogEntry.objects.get(event="mfa_reset")
    assert entry.changes["reason"] == "Tappat telefonen, legitimation visad"
    assert entry.user == personas["administrator"].user


@pytest.mark.parametrize("persona", ["strategist", "hr", "unit_head_buf", "employee_vaf"])
def test_only_an_administrator_resets(personas, persona):
    target = personas["coordinator_vaf"]
    with_app(target.user)
    response = (
        personas[persona]
        .client()
        .post(reverse("organisation:person_mfa_reset", args=[target.person.pk]), {"reason": "x"})
    )
    assert response.status_code in (403, 404)
    assert Authenticator.objects.filter(user=target.user).exists()


def test_an_administrator_cannot_reset_their_own(personas):
    administrator = personas["administrator"]
    with_app(administrator.user)
    response = administrator.client().post(
        reverse("organisation:person_mfa_reset", args=[administrator.person.pk]), {"reason": "x"}
    )
    assert response.status_code == 403
    assert Authenticator.objects.filter(user=administrator.user).exists()


def test_the_operator_resets_from_the_shell_with_a_reason(personas):
    administrator = personas["administrator"].user
    with_app(administrator)
    with pytest.raises(CommandError):
        call_command("reset_mfa", administrator.username, reason=" ")
    call_command("reset_mfa", administrator.username, reason="Enda administratören tappade telefonen")
    assert not Authenticator.objects.filter(user=administrator).exists()
    entry = ChangeLogEntry.objects.get(event="mfa_reset")
    assert entry.user is None and entry.object_id == str(administrator.pk)


def test_the_secrets_still_open_after_a_key_rotation(employee, settings):
    secret, _codes = with_app(employee.user)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "y" * 40
    assert mfa.verify_code(employee.user, totp(secret)) is not None


def test_starting_over_does_not_give_endless_guesses(employee):
    secret, _codes = with_app(employee.user)
    wrong = "123456" if totp(secret) not in ("123456",) else "654321"
    for _round in range(mfa.LOCK_FAILURES // mfa.MAX_FAILURES):
        client = Client()
        password_step(client, employee.user.username)
        for _attempt in range(mfa.MAX_FAILURES):
            client.post(reverse("core:login_mfa"), {"code": wrong})
    client = Client()
    password_step(client, employee.user.username)
    response = client.post(reverse("core:login_mfa"), {"code": totp(secret)}, follow=True)
    assert "För många felaktiga koder för inloggningen" in response.content.decode()
    assert not logged_in(client)


@pytest.mark.parametrize("credential", ['"text"', "[1, 2]", '{"id": "x", "response": {}}', "42"])
def test_it_refuses_a_forged_key_answer_without_an_error_page(employee, credential):
    client = employee.client()
    client.get(reverse("core:mfa_webauthn"))
    response = client.post(reverse("core:mfa_webauthn"), {"name": "Falsk", "credential": credential})
    assert response.status_code == 400
    assert "Nyckeln kunde inte registreras" in response.content.decode()
    assert not Authenticator.objects.filter(user=employee.user).exists()

    secret, _codes = with_app(employee.user)
    login = Client()
    password_step(login, employee.user.username)
    assert login.post(reverse("core:login_mfa"), {"credential": credential}).status_code == 400
    assert not logged_in(login)


def test_a_code_before_the_last_one_used_is_refused_too(employee):
    secret, _codes = with_app(employee.user)
    now = time.time()
    with time_machine.travel(now, tick=False):
        first = Client()
        password_step(first, employee.user.username)
        assert first.post(reverse("core:login_mfa"), {"code": totp(secret, now)}).status_code == 302
        second = Client()
        password_step(second, employee.user.username)
        # The previous step's code is still within the tolerance, but older than the one used.
        assert second.post(reverse("core:login_mfa"), {"code": totp(secret, now - 30)}).status_code == 400


def test_a_reset_logs_the_person_out_everywhere(personas):
    employee = personas["employee_vaf"]
    with_app(employee.user)
    elsewhere = employee.client()
    assert logged_in(elsewhere)
    personas["administrator"].client().post(
        reverse("organisation:person_mfa_reset", args=[employee.person.pk]), {"reason": "Telefonen stulen"}
    )
    assert not logged_in(elsewhere)
    assert ChangeLogEntry.objects.get(event="mfa_reset").changes["sessions_ended"] == 1


def test_opening_the_setup_twice_keeps_the_secret_already_scanned(employee):
    client = employee.client()
    client.get(reverse("core:mfa_totp"))
    secret = client.session[mfa.TOTP_SECRET_KEY]
    client.get(reverse("core:mfa_totp"))  # a second tab
    assert client.post(reverse("core:mfa_totp"), {"code": totp(secret)}).status_code == 302


def test_a_secret_from_a_key_no_longer_known_refuses_the_code_without_an_error_page(employee):
    secret, _codes = with_app(employee.user)
    app = Authenticator.objects.get(user=employee.user, type="totp")
    app.data = {"secret": mfa.MfaAdapter().encrypt(secret)[:-8] + "AAAAAAAA"}  # as if from another key
    app.save()
    client = Client()
    password_step(client, employee.user.username)
    assert client.post(reverse("core:login_mfa"), {"code": totp(secret)}).status_code == 400
