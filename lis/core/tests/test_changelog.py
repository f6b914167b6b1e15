"""The change log (POL-2.3): written with the change, append-only, hash-chained, verifiable."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from lis.core.changelog import record_event, verify_chain
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
    response = client.post(
        f"/organisation/personer/{person.pk}/avsluta/",
        {"ended_on": "2026-06-30"},
        HTTP_X_REQUEST_ID="6f1c2a4e-0000-4000-8000-000000000001",
    )
    assert response.status_code == 302
    grouped = ChangeLogEntry.objects.filter(request_id="6f1c2a4e-0000-4000-8000-000000000001")
    assert {e.object_type for e in grouped} == {"organisation.person", "organisation.roleassignment"}


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


def test_it_detects_an_altered_row_and_names_it(amal):
    victim = ChangeLogEntry.objects.order_by("sequence")[5]
    ChangeLogEntry.objects.filter(pk=victim.pk).update(user_name="Mallory")
    problems = list(verify_chain())
    assert problems[0].sequence == victim.sequence
    with pytest.raises(CommandError, match=f"post {victim.sequence} "):
        call_command("verify_changelog")


def test_it_detects_altered_changes_even_when_the_hash_is_recomputed_without_the_chain(amal):
    entries = list(ChangeLogEntry.objects.order_by("sequence")[:3])
    forged = entries[1]
    ChangeLogEntry.objects.filter(pk=forged.pk).update(changes={"name": [None, "Förfalskad"]}, hash="f" * 64)
    problems = list(verify_chain())
    assert problems[0].sequence == forged.sequence
    assert any(p.sequence == entries[2].sequence for p in problems)  # the next link breaks too


def test_it_detects_a_removed_row(amal):
    victim = ChangeLogEntry.objects.order_by("sequence")[3]
    ChangeLogEntry.objects.filter(pk=victim.pk).delete()
    problems = list(verify_chain())
    assert problems[0].sequence == victim.sequence + 1
    with pytest.raises(CommandError, match=f"post {victim.sequence + 1} "):
        call_command("verify_changelog")


def test_it_detects_reordered_rows(amal):
    first, second = ChangeLogEntry.objects.order_by("sequence")[2:4]
    ChangeLogEntry.objects.filter(pk=first.pk).update(sequence=10_000)
    ChangeLogEntry.objects.filter(pk=second.pk).update(sequence=first.sequence)
    ChangeLogEntry.objects.filter(pk=first.pk).update(sequence=second.sequence)
    problems = list(verify_chain())
    assert problems and problems[0].sequence == first.sequence


def test_it_detects_a_removed_tail(amal):
    last = ChangeLogEntry.objects.order_by("-sequence").first()
    ChangeLogEntry.objects.filter(pk=last.pk).delete()
    problems = list(verify_chain())
    assert len(problems) == 1 and problems[0].entry_id is None
    with pytest.raises(CommandError):
        call_command("verify_changelog")


def test_it_checks_an_externally_kept_head_hash(amal):
    head = ChangeLogHead.objects.get()
    call_command("verify_changelog", expect_head=head.hash)
    with pytest.raises(CommandError, match="förväntade"):
        call_command("verify_changelog", expect_head="0" * 64)


def test_it_records_logins_logouts_and_failed_logins(personas):
    client = Client()
    client.post("/logga-in/", {"username": "strategist", "password": "fel-lösenord"})
    failed = ChangeLogEntry.objects.filter(event="login_failed").last()
    assert failed is not None and failed.changes["username"] == "strategist" and failed.user is None
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
