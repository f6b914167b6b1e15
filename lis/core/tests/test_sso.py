"""Single sign-on against a real OpenID Connect provider: panva's oidc-provider (OpenID-certified),
started on loopback from lis/core/tests/oidc/provider.mjs (`npm ci --prefix lis/core/tests/oidc`).

The test plays the browser: LIS's login button (Django test client) → the provider's authorization
endpoint and login form (requests) → back to LIS's callback, where LIS exchanges the code at the
provider's token endpoint itself. Bad ID tokens come from the same provider: the nonce by changing
the authorization request the browser carries, the issuer and audience by having the provider
re-sign its ID token with other claims (its test-only /__test__/tamper endpoint)."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit, urlunsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from lis.core.models import ChangeLogEntry, User
from lis.organisation import services
from lis.organisation.models import Person
from lis.settings.base import read_oidc_app

OIDC_DIR = Path(__file__).resolve().parent / "oidc"
CLIENT_ID, CLIENT_SECRET = "lis-test", "en-lang-testhemlighet-for-lis-sso-1234"
CALLBACK = "http://testserver/konto/oidc/kommun/login/callback/"
AMR, ACR = ["pwd", "mfa"], "urn:lis:test:mfa"
ACCOUNTS = {
    "anna": {"email": "Anna.Andersson@Amal.example", "email_verified": True, "employee_number": "E1001"},
    "okand": {"email": "okand@amal.example", "email_verified": True, "employee_number": "E9999"},
    "slutat": {"email": "slutat@amal.example", "email_verified": True, "employee_number": "E1002"},
    "avstangd": {"email": "avstangd@amal.example", "email_verified": True, "employee_number": "E1003"},
}
TODAY = datetime.date(2026, 12, 1)


def _missing(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """The provider's issuer URL; the process lives for the session."""
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        _missing("node och npm saknas: OIDC-testerna behöver Node.js (Debian-paketen nodejs och npm)")
    if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
        _missing("oidc-provider är inte installerad: kör `npm ci --prefix lis/core/tests/oidc`")
    config = tmp_path_factory.mktemp("oidc") / "config.json"
    config.write_text(
        json.dumps(
            {
                "clients": [{"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": [CALLBACK]}],
                "accounts": ACCOUNTS,
                "amr": AMR,
                "acr": ACR,
            }
        ),
        encoding="utf-8",
    )
    log = config.with_name("provider.log")
    process = subprocess.Popen(  # noqa: S603 - our own script
        [node, str(OIDC_DIR / "provider.mjs"), str(config)],
        cwd=OIDC_DIR,
        stdout=subprocess.PIPE,
        stderr=log.open("w", encoding="utf-8"),
        text=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=20)
    if not lines or not lines[0].strip():
        process.kill()
        pytest.fail(f"OIDC-providern startade inte: {log.read_text(encoding='utf-8')}")
    issuer = json.loads(lines[0])["issuer"]
    yield issuer
    process.terminate()
    process.wait(timeout=10)


def _environ(issuer: str, **extra: str) -> dict[str, str]:
    return {
        "LIS_OIDC_ISSUER": issuer,
        "LIS_OIDC_CLIENT_ID": CLIENT_ID,
        "LIS_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "LIS_OIDC_SCOPES": "openid email profile employee",
        **extra,
    }


def _configure(settings, environ: dict[str, str], claim: str = "email") -> None:
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"provider_class": "lis.core.sso.LisOpenIDConnectProvider", "APPS": [read_oidc_app(environ)]}
    }
    settings.LIS_OIDC_CLAIM = claim


@pytest.fixture
def sso(settings, oidc_provider, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0), tick=True)
    _configure(settings, _environ(oidc_provider))
    requests.post(f"{oidc_provider}/__test__/tamper", json={}, timeout=5).raise_for_status()
    yield oidc_provider
    requests.post(f"{oidc_provider}/__test__/tamper", json={}, timeout=5).raise_for_status()


@pytest.fixture
def people(amal):
    unit = next(iter(amal["units"].values()))

    def person(first: str, email: str, number: str, **fields):
        return services.person_create(
            actor=None, first_name=first, last_name="Testsson", unit=unit, email=email, employee_number=number, **fields
        )

    inactive_user = User.objects.create_user(username="avstangd", is_active=False)
    left = person("Sture", "slutat@amal.example", "E1002")
    services.person_end(actor=None, person=left, ended_on=TODAY)
    return {
        "anna": person("Anna", "anna.andersson@amal.example", "E1001"),
        "slutat": left,
        "avstangd": person("Ada", "avstangd@amal.example", "E1003", user=inactive_user),
    }


def _sso_login(client, account: str, *, change_request=None):
    """Press the login button, log in at the provider as `account`, and return LIS's answer to the
    callback the provider redirects the browser to."""
    start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "kommun"}))
    assert start.status_code == 302, start
    authorize = start["Location"]
    if change_request:
        parts = urlsplit(authorize)
        query = {key: values[0] for key, values in parse_qs(parts.query).items()}
        authorize = urlunsplit(parts._replace(query=urlencode(change_request(query))))
    browser = requests.Session()
    response = browser.get(authorize, allow_redirects=False, timeout=10)
    interaction = urljoin(authorize, response.headers["Location"])
    assert "/interaction/" in interaction, response.text
    assert browser.get(interaction, timeout=10).status_code == 200
    response = browser.post(f"{interaction}/login", data={"login": account}, allow_redirects=False, timeout=10)
    location = urljoin(interaction, response.headers["Location"])
    while not location.startswith("http://testserver/"):
        response = browser.get(location, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), response.text
        location = urljoin(location, response.headers["Location"])
    return client.get(location)


def _nothing_created(before_users: int) -> None:
    assert User.objects.count() == before_users
    assert not SocialAccount.objects.exists()


@pytest.mark.django_db
def test_the_login_page_has_no_sso_button_when_sso_is_not_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {"openid_connect": {"APPS": []}}
    page = client.get(reverse("core:login"))
    assert page.status_code == 200
    assert b"sso-login" not in page.content
    assert client.post("/konto/oidc/kommun/login/").status_code == 404


def test_settings_read_the_environment():
    assert read_oidc_app({}) is None
    app = read_oidc_app(_environ("https://login.example/tenant/v2.0"))
    assert app["name"] == "Kommunens inloggning"
    assert app["settings"]["server_url"] == "https://login.example/tenant/v2.0"


def test_settings_read_the_secret_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("fran-filen\n", encoding="utf-8")
    environ = _environ("https://idp.example", LIS_OIDC_CLIENT_SECRET="", LIS_OIDC_CLIENT_SECRET_FILE=str(secret))
    assert read_oidc_app(environ)["secret"] == "fran-filen"


def test_it_rejects_an_issuer_without_client_settings():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="LIS_OIDC_CLIENT_ID"):
        read_oidc_app({"LIS_OIDC_ISSUER": "https://idp.example"})


@pytest.mark.django_db
def test_the_login_page_shows_the_button_as_a_form_without_script(client, sso):
    page = client.get(reverse("core:login"))
    content = page.content.decode()
    assert 'action="/konto/oidc/kommun/login/"' in content
    assert "Kommunens inloggning" in content
    form = content.split('class="form sso-login"', 1)[1].split("</form>", 1)[0]
    assert 'method="post"' in content and "csrfmiddlewaretoken" in form
    assert "<script" not in form and "<style" not in content and 'style="' not in content


@pytest.mark.django_db
def test_sso_login_links_to_the_person_by_email_and_records_amr_and_acr(client, sso, people):
    anna = people["anna"]
    response = _sso_login(client, "anna")
    assert response.status_code == 302 and response["Location"] == reverse("core:home")
    anna.refresh_from_db()
    assert anna.user is not None and not anna.user.has_usable_password()
    assert Person.objects.filter(email__iexact=anna.email).count() == 1
    assert SocialAccount.objects.get().user == anna.user
    assert client.get(reverse("core:home")).wsgi_request.user == anna.user
    login = ChangeLogEntry.objects.filter(event="login").first()
    assert login.user == anna.user
    assert login.changes["method"] == "sso"
    assert login.changes["amr"] == AMR and login.changes["acr"] == ACR

    # A second login uses the same user and account.
    client.post(reverse("core:logout"))
    assert _sso_login(client, "anna").status_code == 302
    assert User.objects.filter(person=anna).count() == 1 and SocialAccount.objects.count() == 1


@pytest.mark.django_db
def test_sso_login_uses_the_persons_existing_user(client, sso, people, personas):
    employee = personas["employee_vaf"]
    services.person_update(actor=None, person=people["anna"], email="anna.ny@amal.example")
    services.person_update(actor=None, person=employee.person, email="Anna.Andersson@amal.example")
    users = User.objects.count()
    assert _sso_login(client, "anna").status_code == 302
    assert User.objects.count() == users
    assert SocialAccount.objects.get().user == employee.user


@pytest.mark.django_db
def test_sso_login_can_match_the_employee_number(client, settings, sso, people):
    _configure(settings, _environ(sso), claim="employee_number")
    services.person_update(actor=None, person=people["anna"], email="")
    assert _sso_login(client, "anna").status_code == 302
    people["anna"].refresh_from_db()
    assert SocialAccount.objects.get().user == people["anna"].user


@pytest.mark.django_db
def test_it_refuses_an_unknown_person_and_creates_nothing(client, sso, people):
    users = User.objects.count()
    response = _sso_login(client, "okand")
    assert response.status_code == 403
    assert "Du finns inte i LIS personregister – kontakta" in response.content.decode()
    _nothing_created(users)
    assert Person.objects.count() == 3
    assert not client.get(reverse("core:login")).wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_it_refuses_a_person_who_has_left(client, sso, people):
    users = User.objects.count()
    response = _sso_login(client, "slutat")
    assert response.status_code == 403
    assert "slutat" in response.content.decode()
    _nothing_created(users)


@pytest.mark.django_db
def test_it_refuses_an_inactive_user(client, sso, people):
    users = User.objects.count()
    response = _sso_login(client, "avstangd")
    assert response.status_code == 403
    assert "avstängd" in response.content.decode()
    _nothing_created(users)


@pytest.mark.django_db
def test_logout_ends_the_lis_session(client, sso, people):
    assert _sso_login(client, "anna").status_code == 302
    client.post(reverse("core:logout"))
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))
    assert ChangeLogEntry.objects.filter(event="logout").exists()


@pytest.mark.django_db
def test_a_re_signed_id_token_with_correct_claims_is_accepted(client, sso, people):
    """The tampering itself does not make a token fail: only the claims the tests below change."""
    requests.post(f"{sso}/__test__/tamper", json={"lis_test": "unchanged"}, timeout=5).raise_for_status()
    assert _sso_login(client, "anna").status_code == 302


@pytest.mark.django_db
def test_it_rejects_an_id_token_with_the_wrong_nonce(client, sso, people):
    users = User.objects.count()
    response = _sso_login(client, "anna", change_request=lambda query: query | {"nonce": "en-annan-nonce"})
    assert response.status_code == 400
    assert "Inloggningen misslyckades" in response.content.decode()
    _nothing_created(users)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "claims", [{"iss": "https://falsk.example"}, {"aud": "en-annan-klient"}, {"aud": [CLIENT_ID, "en-annan"]}]
)
def test_it_rejects_an_id_token_with_the_wrong_issuer_or_audience(client, sso, people, claims):
    requests.post(f"{sso}/__test__/tamper", json=claims, timeout=5).raise_for_status()
    users = User.objects.count()
    response = _sso_login(client, "anna")
    assert response.status_code == 400
    _nothing_created(users)


@pytest.mark.django_db
def test_it_rejects_a_provider_whose_issuer_is_not_the_configured_one(client, settings, sso, people):
    # The same server under another name: discovery and tokens name 127.0.0.1, LIS expects localhost.
    _configure(settings, _environ(sso.replace("127.0.0.1", "localhost")))
    users = User.objects.count()
    response = _sso_login(client, "anna")
    assert response.status_code == 400
    _nothing_created(users)
