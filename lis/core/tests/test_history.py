"""Historik reads as Swedish (issue 9, item 14): field labels, pack keys and choices by name,
people by name or pseudonym, lists, Ja/Nej, times in Europe/Stockholm; the kommun-wide change
log filtered by person, kind of object, unit and dates, with a flat query count. Display only:
the stored, hash-chained entries are never touched."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.classification import services as classification_services
from lis.core.access import principal_for
from lis.core.changelog import verify_chain
from lis.core.history import present
from lis.core.models import ChangeLogEntry
from lis.organisation import services as organisation_services
from lis.risks import services as risk_services
from lis.systems import services as system_services

STOCKHOLM_NOON = datetime.datetime(2026, 11, 20, 11, 0, tzinfo=datetime.UTC)  # 12:00 in Stockholm


def changes_of(rows, object_type: str, action: str = "create") -> dict[str, tuple[str, str]]:
    """{label: (old, new)} of the first row about `object_type` with `action`."""
    row = next(r for r in rows if r.entry.object_type == object_type and r.entry.action == action)
    return {c.label: (c.old, c.new) for c in row.changes}


def rows_for(persona, object_type: str):
    entries = list(ChangeLogEntry.objects.filter(object_type=object_type).order_by("sequence"))
    return present(principal_for(persona.user), entries)


@pytest.fixture
def protected(personas, amal):
    return organisation_services.person_create(
        actor=personas["hr"].user,
        first_name="Hemlig",
        last_name="Hemligsson",
        unit=amal["units"]["VAF"],
        protected_identity=True,
    )


@pytest.fixture
def classified_system(make_system, personas):
    system = make_system(responsible_manager=personas["employee_vaf"].person)
    information_set = system_services.information_set_create(actor=None, system=system, name="Akter")
    with time_machine.travel(STOCKHOLM_NOON, tick=False):
        classification_services.classification_approve(
            actor=personas["strategist"].user,
            classification=classification_services.classification_save(
                actor=personas["coordinator_vaf"].user,
                information_set=information_set,
                levels={"K": "3", "R": "2", "T": "1"},
                motivation="Personakter",
                propose=True,
            ),
        )
    return system


@pytest.fixture
def risk(classified_system, amal, personas, protected):
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 3, 1))
    risk_services.analysis_update(
        actor=None, analysis=analysis, participants=[personas["coordinator_vaf"].person, protected]
    )
    risk = risk_services.risk_create(
        actor=None,
        analysis=analysis,
        system=classified_system,
        threat="wrong_access",
        cause="Behörigheter tas inte bort",
        event="Obehöriga läser akter",
        consequence_text="Sekretess röjs",
        aspects=["K"],
        likelihood=3,
        consequence=4,
        owner=protected,
        treatment="reduce",
        treatment_motivation="Behörighetsöversyn varje kvartal",
    )
    risk_services.measure_save(
        actor=None,
        analysis=analysis,
        title="Kvartalsvis behörighetsöversyn",
        kind="administrative",
        aspects=["K", "R"],
        status="in_progress",
        risks=[risk],
    )
    return risk


def test_it_shows_pack_keys_by_their_names_and_lists_as_lists(risk, personas):
    risk_changes = changes_of(rows_for(personas["strategist"], "risks.risk"), "risks.risk")
    assert risk_changes["Hot ur katalogen"] == ("–", "Felaktig behörighet")
    assert risk_changes["Riskbehandling"] == ("–", "Reducera")
    assert risk_changes["Hotade aspekter"] == ("–", "Konfidentialitet")
    assert risk_changes["Sannolikhet"] == ("–", "3 – Stor")
    assert risk_changes["Konsekvens (nivå)"] == ("–", "4 – Allvarlig")
    assert risk_changes["Analys"][1] == str(risk.analysis)
    assert risk_changes["System"][1] == "Verksamhetssystem"
    measure_changes = changes_of(rows_for(personas["strategist"], "risks.measure"), "risks.measure")
    assert measure_changes["Skyddade aspekter"] == ("–", "Konfidentialitet, Riktighet")
    assert measure_changes["Status"] == ("–", "Pågår")
    assert measure_changes["Typ"] == ("–", "Administrativ")
    # The many-to-many risks by name, in the update that set them.
    assert changes_of(rows_for(personas["strategist"], "risks.measure"), "risks.measure", "update")["Risker"] == (
        "–",
        "Obehöriga läser akter",
    )
    page = personas["strategist"].client().get(reverse("core:changelog")).content.decode()
    table = page.split('<table class="table history">')[1]
    for internal in ("wrong_access", "reduce", "in_progress", "['K'", "{'K'", "consequence_text", "analysis", "+00:00"):
        assert internal not in table


def test_it_names_people_and_shows_a_protected_identity_only_by_its_pseudonym(risk, personas, protected):
    analysis_changes = changes_of(
        rows_for(personas["strategist"], "risks.securityanalysis"), "risks.securityanalysis", "update"
    )
    participants = analysis_changes["Deltagare"][1]
    assert str(personas["coordinator_vaf"].person) in participants
    assert f"Skyddad person {protected.pk}" in participants and "Hemligsson" not in participants
    assert changes_of(rows_for(personas["strategist"], "risks.risk"), "risks.risk")["Riskägare"][1] == (
        f"Skyddad person {protected.pk}"
    )
    # HR may know who it is (POL-3.30).
    assert "Hemlig Hemligsson" in changes_of(rows_for(personas["hr"], "risks.risk"), "risks.risk")["Riskägare"][1]
    page = personas["strategist"].client().get(reverse("core:changelog")).content.decode()
    assert "Hemligsson" not in page


def test_it_shows_levels_booleans_and_times_in_stockholm(classified_system, personas):
    classification = changes_of(
        rows_for(personas["strategist"], "classification.classification"), "classification.classification", "update"
    )
    row = changes_of(rows_for(personas["strategist"], "classification.classification"), "classification.classification")
    assert row["Nivåer"][1].splitlines() == [
        "Konfidentialitet: 3 – Allvarlig",
        "Riktighet: 2 – Betydande",
        "Tillgänglighet: 1 – Måttlig",
    ]
    assert row["Informationsmängd"][1] == "Akter"
    proposed = next(
        r
        for r in rows_for(personas["strategist"], "classification.classification")
        if any(c.label == "Föreslagen" for c in r.changes)
    )
    assert {c.label: c.new for c in proposed.changes}["Föreslagen"] == "2026-11-20 12:00"
    assert "Status" in classification
    system_services.system_update(
        actor=None, system=classified_system, personal_data=True, operating_model="on_premises"
    )
    system_changes = changes_of(
        rows_for(personas["strategist"], "systems.informationsystem"), "systems.informationsystem", "update"
    )
    assert system_changes["Personuppgifter"] == ("Nej", "Ja")
    assert system_changes["Driftsform"] == ("Molntjänst (SaaS)", "Egen drift hos IT-enheten")


def test_it_filters_the_kommun_wide_history_by_person_kind_unit_and_dates(make_system, personas):
    client = personas["strategist"].client()
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)):
        vaf = make_system(name="Vafsystem")
        system_services.information_set_create(actor=personas["coordinator_vaf"].user, system=vaf, name="Vafmängd")
    with time_machine.travel(datetime.datetime(2026, 11, 10, 22, 30, tzinfo=datetime.UTC)):  # 23:30 in Stockholm
        make_system(unit="BUF", name="Bufsystem")

    def shown(query: str) -> str:
        response = client.get(reverse("core:changelog") + query)
        assert response.status_code == 200
        return response.content.decode()

    by_unit = shown(f"?enhet={vaf.unit_id}")
    assert "Vafsystem" in by_unit and "Vafmängd" in by_unit and "Bufsystem" not in by_unit
    by_person = shown(f"?person={personas['coordinator_vaf'].user.pk}")
    created_system = '<span class="muted">Informationssystem</span> Vafsystem'
    assert created_system in by_unit
    assert "Vafmängd" in by_person and created_system not in by_person
    by_kind = shown("?typ=systems.informationset")
    assert "Vafmängd" in by_kind and "Bufsystem" not in by_kind
    by_days = shown("?fran=2026-11-10&till=2026-11-10")
    assert "Bufsystem" in by_days and "Vafsystem" not in by_days
    assert "Bufsystem" not in shown("?fran=2026-11-11")  # 23:30 on the 10th in Stockholm, 22:30 UTC
    options = shown("")
    assert "Informationsmängd" in options and "System (ingen inloggning)" in options


def test_it_refuses_a_date_range_that_ends_before_it_starts(make_system, personas):
    make_system(name="Vafsystem")
    content = personas["strategist"].client().get(reverse("core:changelog") + "?fran=2026-11-10&till=2026-11-01")
    page = content.content.decode()
    assert "Till och med kan inte vara före från och med." in page and "Vafsystem" not in page


def test_it_keeps_the_filtered_query_count_flat(make_system, personas, amal):
    client = personas["strategist"].client()
    url = reverse("core:changelog") + f"?enhet={amal['units']['VAF'].pk}&fran=2026-01-01&till=2026-12-31"

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            system = make_system(name=f"System {i}", responsible_manager=personas["employee_vaf"].person)
            system_services.information_set_create(actor=personas["coordinator_vaf"].user, system=system, name=f"M {i}")

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    grow(2, 0)
    small = count()
    grow(10, 2)
    assert count() <= small <= 20


def test_it_leaves_the_stored_entries_and_their_chain_untouched(risk, personas):
    client = personas["strategist"].client()  # logging in is an entry of its own
    before = list(ChangeLogEntry.objects.order_by("sequence").values_list("hash", "changes"))
    client.get(reverse("core:changelog"))
    assert list(ChangeLogEntry.objects.order_by("sequence").values_list("hash", "changes")) == before
    assert list(verify_chain()) == []
