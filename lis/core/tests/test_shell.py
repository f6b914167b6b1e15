"""The shell: start page, published policy, language switch, settings, and the English catalogue."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)


def test_it_says_so_when_no_version_of_the_policy_is_published(client, db):
    response = client.get(reverse("policy:current"))
    assert response.status_code == 200
    assert "Ingen version av policyn är publicerad i LIS än." in response.content.decode()


def test_it_links_the_policy_from_every_page(personas):
    client = personas["employee_vaf"].client()
    for name in ("core:home", "organisation:person_list", "organisation:unit_list"):
        assert reverse("policy:current") in client.get(reverse(name)).content.decode()


def test_it_speaks_swedish_by_default_and_english_on_request(personas):
    client = personas["employee_vaf"].client()
    assert "Hoppa till innehållet" in client.get(reverse("core:home")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Skip to content" in client.get(reverse("core:home")).content.decode()


def test_it_escapes_user_input_everywhere(personas, amal):
    from lis.organisation import services

    services.person_create(actor=None, first_name="<script>alert(1)</script>", last_name="X", unit=amal["units"]["VAF"])
    content = personas["strategist"].client().get(reverse("organisation:person_list")).content.decode()
    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;" in content


def test_the_english_catalogue_is_complete():
    po = (ROOT / "lis/locale/en/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    entries = po.split("\n\n")[1:]
    missing = [e for e in entries if 'msgstr ""' in e and "msgstr[" not in e and e.strip().endswith('msgstr ""')]
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    assert not missing, f"{len(missing)} untranslated: {missing[:3]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy: {fuzzy[:3]}"


def test_production_settings_pass_the_deploy_check_and_refuse_missing_secrets(tmp_path):
    unwanted = (
        "SECRET_KEY",
        "SECRET_KEY_FILE",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "LIS_CHANGELOG_KEY",
        "LIS_CHANGELOG_KEY_FILE",
    )
    env = {k: v for k, v in os.environ.items() if k not in unwanted}
    env |= {
        "DJANGO_SETTINGS_MODULE": "lis.settings.production",
        "ALLOWED_HOSTS": "lis.amal.se",
        "DATABASE_URL": "postgres://lis@localhost/lis",
    }
    secret = tmp_path / "secret"
    secret.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    keys = tmp_path / "changelog_keys"
    keys.write_text(f"2026:{secrets.token_urlsafe(40)}\n", encoding="utf-8")
    secrets_env = {"SECRET_KEY_FILE": str(secret), "LIS_CHANGELOG_KEY_FILE": str(keys)}
    command = [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    ok = subprocess.run(command, cwd=ROOT, env=env | secrets_env, capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    for missing in secrets_env:
        without = env | {name: value for name, value in secrets_env.items() if name != missing}
        refused = subprocess.run(command, cwd=ROOT, env=without, capture_output=True, text=True, check=False)
        assert refused.returncode != 0 and missing.removesuffix("_FILE") in refused.stderr


def test_the_demo_loader_refuses_to_run_with_production_settings(tmp_path):
    env = dict(os.environ) | {
        "DJANGO_SETTINGS_MODULE": "lis.settings.production",
        "ALLOWED_HOSTS": "x",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SECRET_KEY": "k" * 60,
        "LIS_CHANGELOG_KEY": "2026:" + "n" * 40,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "produktion" in result.stderr


def test_django_s_own_swedish_wording_wins_over_the_installed_packages_catalogues():
    """Django REST framework and django-allauth translate some of Django's form messages
    differently; LIS's Swedish catalogue (lis/locale/sv) keeps Django's wording on every form."""
    from django.utils import translation

    with translation.override("sv"):
        assert translation.gettext("This field is required.") == "Detta fält måste fyllas i."
        assert translation.gettext("Enter a valid email address.") == "Fyll i en giltig e-postadress."
