"""The change log (POL-2.3): written with the change, append-only, hash-chained, verifiable."""

from __future__ import annotations

import json
import uuid

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client, override_settings

from lis.core.changelog import compute_hash, record_event, verify_chain
from lis.core.models import ChangeLogEntry, ChangeLogHead
from lis.organisation import services
from lis.organisation.models import Person


def test_it_records_a_create_with_user_frozen_name_request_id_and_fields(personas, amal):
    actor = personas["strategist"].user
    person = services.person_create(
        actor=actor, first_name="Nina", last_name="Nord", unit=amal["units"]["BUF"], kind="employee"
    )
    entry = ChangeLogEntry.objects.get(object_type="organisation.person", object_id=str(person.pk))
    assert entry.action == "create"
    assert entry.user == actor and entry.user_name == "Strategist Test (strategist)"
    assert entry.changes["first_name"] == [None, "Nina"]
    assert entry.changes["unit"] == [None, amal["units"]["BUF"].pk]
    assert len(entry.request_id) == 36


def test_it_records_only_the_fields_that_changed(personas, amal):
    person = services.person_create(
        actor=None, first_name="Nina", last_name="Nord", unit=amal["units"]["BUF"], kind="employee"
    )
    services.person_update(actor=personas["strategist"].user, person=person, title="Rektor", last_name="Nord")
    entry = ChangeLogEntry.objects.filter(object_id=str(person.pk), action="update").get()
    assert entry.changes == {"title": ["", "Rektor"]}
    # An update that changes nothing writes nothing.
    services.person_update(actor=personas["strategist"].user, person=person, title="Rektor")
    assert ChangeLogEntry.objects.filter(object_id=str(person.pk), action="update").count() == 1


def test_it_rolls_back_the_entry_with_the_change(amal):
    before = ChangeLogEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.person_create(
            actor=None, first_name="Ny", last_name="Person", unit=amal["units"]["BUF"], kind="employee"
        )
        raise RuntimeError("the action fails after the write")
    assert ChangeLogEntry.objects.count() == before
    assert not Person.objects.filter(first_name="Ny").exists()


def test_it_groups_one_requests_entries_under_one_request_id(personas, amal):
    person = services.person_create(
        actor=None, first_name="Ny", last_name="Person", unit=amal["units"]["VAF"], kind="employee"
    )
    services.role_assign(
        actor=None, person=person, role="security_coordinator", unit=amal["units"]["VAF"], starts_on="2025-01-01"
    )
    client = personas["strategist"].client()
    response = client.post(f"/organisation/personer/{person.pk}/avsluta/", {"ended_on": "2026-06-30"})
    assert response.status_code == 302
    grouped = ChangeLogEntry.objects.filter(request_id=response["X-Request-ID"])
    assert {e.object_type for e in grouped} == {"organisation.person", "organisation.roleassignment"}


def test_it_makes_the_request_id_itself_and_keeps_the_clients_id_only_as_a_marked_claim(personas, amal):
    person = services.person_create(
        actor=None, first_name="Ny", last_name="Person", unit=amal["units"]["VAF"], kind="employee"
    )
    claimed = "6f1c2a4e-0000-4000-8000-000000000001"
    client = personas["strategist"].client()
    response = client.post(
        f"/organisation/personer/{person.pk}/avsluta/",
        {"ended_on": "2026-06-30"},
        HTTP_X_REQUEST_ID=claimed + "<script>" + "x" * 200,
    )
    assert response["X-Request-ID"] != claimed
    uuid.UUID(response["X-Request-ID"])
    assert not ChangeLogEntry.objects.filter(request_id=claimed).exists()
    entry = ChangeLogEntry.objects.get(request_id=response["X-Request-ID"], object_type="organisation.person")
    assert entry.client_request_id.startswith(claimed + "script")
    assert len(entry.client_request_id) == 64 and "<" not in entry.client_request_id


@pytest.fixture
def tampering(db):
    """What a database administrator can do: on PostgreSQL, with the append-only trigger out of
    the way (a superuser can; the application's own role cannot)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
    else:
        yield


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_it_refuses_update_and_delete_of_entries_in_the_database(amal):
    entry = ChangeLogEntry.objects.order_by("sequence").first()
    for statement in (
        "UPDATE core_changelogentry SET user_name = 'Mallory' WHERE id = %s",
        "DELETE FROM core_changelogentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])
    assert ChangeLogEntry.objects.get(pk=entry.pk).user_name == entry.user_name


def test_it_refuses_to_update_or_delete_an_entry_through_the_model(amal):
    entry = ChangeLogEntry.objects.first()
    entry.user_name = "Någon annan"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_it_verifies_an_intact_chain(amal):
    assert ChangeLogEntry.objects.count() > 10
    assert list(verify_chain()) == []
    call_command("verify_changelog")


def test_it_detects_an_altered_row_and_names_it(amal, tampering):
    victim = ChangeLogEntry.objects.order_by("sequence")[5]
    ChangeLogEntry.objects.filter(pk=victim.pk).update(user_name="Mallory")
    problems = list(verify_chain())
    assert problems[0].sequence == victim.sequence
    with pytest.raises(CommandError, match=f"post {victim.sequence} "):
        call_command("verify_changelog")


def test_it_detects_altered_changes_even_when_the_hash_is_recomputed_without_the_chain(amal, tampering):
    entries = list(ChangeLogEntry.objects.order_by("sequence")[:3])
    forged = entries[1]
    ChangeLogEntry.objects.filter(pk=forged.pk).update(changes={"name": [None, "Förfalskad"]}, hash="f" * 64)
    problems = list(verify_chain())
    assert problems[0].sequence == forged.sequence
    assert any(p.sequence == entries[2].sequence for p in problems)  # the next link breaks too


def test_it_detects_a_removed_row(amal, tampering):
    victim = ChangeLogEntry.objects.order_by("sequence")[3]
    ChangeLogEntry.objects.filter(pk=victim.pk).delete()
    problems = list(verify_chain())
    assert problems[0].sequence == victim.sequence + 1
    with pytest.raises(CommandError, match=f"post {victim.sequence + 1} "):
        call_command("verify_changelog")


def test_it_detects_reordered_rows(amal, tampering):
    first, second = ChangeLogEntry.objects.order_by("sequence")[2:4]
    ChangeLogEntry.objects.filter(pk=first.pk).update(sequence=10_000)
    ChangeLogEntry.objects.filter(pk=second.pk).update(sequence=first.sequence)
    ChangeLogEntry.objects.filter(pk=first.pk).update(sequence=second.sequence)
    problems = list(verify_chain())
    assert problems and problems[0].sequence == first.sequence


def test_it_detects_a_removed_tail(amal, tampering):
    last = ChangeLogEntry.objects.order_by("-sequence").first()
    ChangeLogEntry.objects.filter(pk=last.pk).delete()
    problems = list(verify_chain())
    assert len(problems) == 1 and problems[0].entry_id is None
    with pytest.raises(CommandError):
        call_command("verify_changelog")


def test_it_detects_a_rewritten_entry_even_when_every_later_hash_is_recomputed(amal, tampering):
    """Someone with the database but not the key rewrites an entry and re-chains everything after it."""
    entries = list(ChangeLogEntry.objects.order_by("sequence"))
    victim = entries[4]
    with override_settings(LIS_CHANGELOG_KEYS={victim.key_id: "a guessed key that is not the real one!"}):
        previous = entries[3].hash
        for entry in entries[4:]:
            entry.prev_hash = previous
            if entry.pk == victim.pk:
                entry.user_name = "Mallory"
            entry.hash = compute_hash(entry)
            ChangeLogEntry.objects.filter(pk=entry.pk).update(
                user_name=entry.user_name, prev_hash=entry.prev_hash, hash=entry.hash
            )
            previous = entry.hash
        ChangeLogHead.objects.filter(pk=1).update(hash=previous)
    problems = list(verify_chain())
    assert problems and problems[0].sequence == victim.sequence
    with pytest.raises(CommandError, match=f"post {victim.sequence} "):
        call_command("verify_changelog")


def test_it_detects_a_removed_tail_with_a_moved_head_against_the_externally_kept_head(amal, tampering, capsys):
    call_command("verify_changelog")
    anchor = capsys.readouterr().out.split("senaste hash ")[1].strip().rstrip(".")
    last = ChangeLogEntry.objects.order_by("-sequence").first()
    ChangeLogEntry.objects.filter(pk=last.pk).delete()
    previous = ChangeLogEntry.objects.order_by("-sequence").first()
    ChangeLogHead.objects.filter(pk=1).update(sequence=previous.sequence, hash=previous.hash)
    call_command("verify_changelog")  # consistent on its own…
    with pytest.raises(CommandError, match="finns inte i kedjan"):
        call_command("verify_changelog", expect_head=anchor)  # …but the anchored entry is gone


def test_it_accepts_a_log_that_has_grown_past_the_expected_head(amal):
    head = ChangeLogHead.objects.get()
    record_event("export", user=None, details={"format": "xlsx"})
    call_command("verify_changelog", expect_head=head.hash)
    call_command("verify_changelog", expect_head=f"{head.sequence}:{head.hash}")
    with pytest.raises(CommandError, match="finns inte i kedjan"):
        call_command("verify_changelog", expect_head="0" * 64)
    with pytest.raises(CommandError, match=f"inte på post {head.sequence - 1}"):
        call_command("verify_changelog", expect_head=f"{head.sequence - 1}:{head.hash}")


def test_it_writes_a_signed_checkpoint_that_verify_checks(amal, tmp_path, mailoutbox):
    path = tmp_path / "kontrollpunkter.txt"
    call_command("changelog_checkpoint", output=str(path), email=["diariet@amal.invalid"])
    saved = json.loads(path.read_text().splitlines()[-1])
    head_after = ChangeLogHead.objects.get()
    assert saved["sequence"] == head_after.sequence - 1  # the checkpoint itself is logged after it
    assert ChangeLogEntry.objects.filter(event="changelog_checkpoint").exists()
    assert saved["hash"] in mailoutbox[0].body
    call_command("verify_changelog", checkpoint=str(path))
    path.write_text(json.dumps(saved | {"sequence": saved["sequence"] - 1}) + "\n")
    with pytest.raises(CommandError, match="ogiltig signatur"):
        call_command("verify_changelog", checkpoint=str(path))


def test_it_verifies_old_entries_with_their_key_after_rotation(amal):
    rotated = settings.LIS_CHANGELOG_KEYS | {"2027": "a new key added to the key file, 32+ characters"}
    with override_settings(LIS_CHANGELOG_KEYS=rotated):
        entry = record_event("export", user=None, details={"format": "xlsx"})
        assert entry.key_id == "2027"
        assert list(verify_chain()) == []
    problems = list(verify_chain())  # without the new key the new entry cannot be checked
    assert [p.sequence for p in problems] == [entry.sequence]
    assert "2027" in problems[0].problem


def test_it_reads_rotatable_keys_and_refuses_a_short_one(monkeypatch, tmp_path):
    from lis.settings.base import read_changelog_keys

    path = tmp_path / "keys"
    path.write_text("# LIS ändringslogg\n2026:" + "a" * 40 + "\n2027:" + "b" * 40 + "\n")
    monkeypatch.setenv("LIS_CHANGELOG_KEY_FILE", str(path))
    assert list(read_changelog_keys()) == ["2026", "2027"]
    path.write_text("2026:kort\n")
    with pytest.raises(ImproperlyConfigured, match="rad 1"):
        read_changelog_keys()


def test_it_records_logins_logouts_and_failed_logins(personas):
    client = Client()
    client.post("/logga-in/", {"username": "strategist", "password": "fel-lösenord"})
    failed = ChangeLogEntry.objects.filter(event="login_failed").last()
    assert failed is not None and failed.object_id == str(personas["strategist"].user.pk) and failed.user is None
    client.post("/logga-in/", {"username": "strategist", "password": "ett-långt-testlösenord"})
    login = ChangeLogEntry.objects.filter(event="login").last()
    assert login.user == personas["strategist"].user
    client.post("/logga-ut/")
    assert ChangeLogEntry.objects.filter(event="logout", user=personas["strategist"].user).exists()


def test_it_locks_out_after_repeated_failed_logins(personas):
    client = Client()
    for _ in range(5):
        client.post("/logga-in/", {"username": "strategist", "password": "fel-lösenord"})
    response = client.post("/logga-in/", {"username": "strategist", "password": "ett-långt-testlösenord"})
    assert response.status_code == 429
    assert "spärrad" in response.content.decode()
    assert not ChangeLogEntry.objects.filter(event="login", user=personas["strategist"].user).exists()


def test_it_records_events_in_the_chain(amal):
    record_event("export", user=None, details={"format": "xlsx"})
    assert list(verify_chain()) == []


@override_settings(AXES_IPWARE_PROXY_COUNT=1)
def test_it_locks_out_per_real_client_address_behind_the_proxy_and_logs_that_address(personas):
    def attempt(client_address: str, password: str = "fel-lösenord", spoofed: str = ""):  # noqa: S107
        forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
        return Client().post(
            "/logga-in/",
            {"username": "strategist", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for number in range(5):
        attempt("203.0.113.5", spoofed=f"198.51.100.{number}")  # the client's own XFF entries change nothing
    assert attempt("203.0.113.5", password="ett-långt-testlösenord").status_code == 429
    failed = ChangeLogEntry.objects.filter(event="login_failed").last()
    assert failed.changes["ip"] == "203.0.113.5"
    # Another address is not locked out by someone else's failures.
    assert attempt("203.0.113.6", password="ett-långt-testlösenord").status_code == 302
    assert ChangeLogEntry.objects.filter(event="login").last().changes["ip"] == "203.0.113.6"
