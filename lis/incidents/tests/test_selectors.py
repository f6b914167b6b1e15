"""Who sees and handles which incident (POL-2.3, POL-2.6), for every persona of lis/conftest.py
and a reporter, a colleague, an ansvarig chef, a kommundirektör and a biträdande
signalskyddschef; the reporter's name withheld from the förvaltning; the handler's list and the
statistics in a fixed number of queries."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import Http404

from lis.conftest import make_persona
from lis.core import access
from lis.incidents import selectors, services
from lis.organisation.models import Role

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=STOCKHOLM)


def principal(persona):
    return access.principal_for(persona.user)


@pytest.fixture
def world(personas, amal, make_system):
    people = dict(personas)
    for key, spec in {
        "reporter": {"unit": "VAF", "roles": []},
        "colleague": {"unit": "VAF", "roles": []},
        "manager": {"unit": "VAF", "roles": []},
        "director": {"unit": "KSF", "roles": [(Role.MUNICIPAL_DIRECTOR, None, None)]},
        "signals": {"unit": "KSF", "roles": [(Role.DEPUTY_SIGNALS_CHIEF, None, None)]},
    }.items():
        people[key] = make_persona(amal, key, **spec)
    vaf_system = make_system(unit="VAF", name="Ekonomisystem", responsible_manager=people["manager"].person)
    buf_system = make_system(unit="BUF", name="Skolplattform")
    with time_machine.travel(NOW, tick=False):
        vaf = services.incident_report(
            actor=people["reporter"].user,
            description="Fakturor skickades till fel mottagare.",
            noticed_at=NOW - datetime.timedelta(hours=3),
            system=vaf_system,
            personal_data="yes",
            name_withheld_from_unit=True,
        )
        buf = services.incident_report(
            actor=people["employee_vaf"].user,
            description="Skolplattformen gick inte att nå.",
            noticed_at=NOW - datetime.timedelta(hours=1),
            system=buf_system,
            personal_data="no",
        )
    return {"people": people, "vaf": vaf, "buf": buf}


EVERYTHING = {"vaf", "buf"}
MATRIX = {
    # persona: (visible, handled)
    "strategist": (EVERYTHING, EVERYTHING),
    "administrator": (EVERYTHING, EVERYTHING),
    "it_manager": (EVERYTHING, EVERYTHING),
    "signals": (EVERYTHING, EVERYTHING),
    "director": (EVERYTHING, set()),
    "unit_head_buf": ({"buf"}, {"buf"}),
    "coordinator_vaf": ({"vaf"}, {"vaf"}),
    "manager": ({"vaf"}, {"vaf"}),
    "representative_tff": (set(), set()),
    "board_member_bun": (set(), set()),
    "hr": (set(), set()),
    "employee_vaf": ({"buf"}, set()),
    "reporter": ({"vaf"}, set()),
    "colleague": (set(), set()),
}


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_each_persona_sees_and_handles_exactly_the_incidents_of_the_matrix(world, key):
    p = principal(world["people"][key])
    visible, handled = MATRIX[key]
    names = {world[name].pk: name for name in EVERYTHING}
    assert {names[pk] for pk in selectors.incidents_visible_to(p).values_list("pk", flat=True)} == visible
    assert {name for name in EVERYTHING if selectors.can_view(p, world[name])} == visible
    assert {name for name in EVERYTHING if selectors.can_handle(p, world[name])} == handled


@pytest.mark.parametrize("key", sorted(MATRIX))
def test_a_guessed_number_is_not_found_for_whoever_may_not_see_it(world, key):
    p = principal(world["people"][key])
    for name in EVERYTHING:
        if name in MATRIX[key][0]:
            assert selectors.incident_get(p, world[name].pk) == world[name]
        else:
            with pytest.raises(Http404):
                selectors.incident_get(p, world[name].pk)


def test_a_medarbetare_sees_only_their_own_reports_in_the_reporters_view(world):
    reporter = principal(world["people"]["reporter"])
    assert list(selectors.my_reports(reporter)) == [world["vaf"]]
    assert selectors.is_reporter_only(reporter, world["vaf"])
    assert not selectors.is_reporter_only(principal(world["people"]["coordinator_vaf"]), world["vaf"])
    assert list(selectors.my_reports(principal(world["people"]["colleague"]))) == []


def test_the_reporters_name_is_withheld_from_the_forvaltning_when_asked_but_not_from_the_handlers(world):
    people, incident = world["people"], world["vaf"]
    withheld = "Namnet visas inte för förvaltningen"
    assert selectors.reporter_label(principal(people["coordinator_vaf"]), incident) == withheld
    assert selectors.reporter_label(principal(people["manager"]), incident) == withheld
    assert selectors.reporter_label(principal(people["strategist"]), incident) == "Reporter Testsson"
    assert selectors.reporter_label(principal(people["reporter"]), incident) == "Reporter Testsson"
    assert selectors.reporter_label(principal(people["coordinator_vaf"]), world["buf"]) == "Employee Vaf Testsson"


def test_the_assigned_handler_sees_the_withheld_name(world):
    people, incident = world["people"], world["vaf"]
    with time_machine.travel(NOW, tick=False):
        services.incident_triage(
            actor=people["strategist"].user,
            incident=incident,
            category="Informationsförlust/-läckage",
            severity="medium",
            handler=people["coordinator_vaf"].person,
        )
    incident.refresh_from_db()
    assert selectors.reporter_label(principal(people["coordinator_vaf"]), incident) == "Reporter Testsson"


def test_a_protected_reporter_is_shown_by_pseudonym(personas, amal):
    hidden = make_persona(amal, "hidden", unit="VAF", roles=[], protected=True)
    with time_machine.travel(NOW, tick=False):
        incident = services.incident_report(
            actor=hidden.user, description="x", noticed_at=NOW - datetime.timedelta(hours=1), personal_data="no"
        )
    assert selectors.reporter_label(principal(personas["strategist"]), incident) == hidden.person.pseudonym
    assert selectors.reporter_label(principal(personas["administrator"]), incident) == "Hidden Testsson"


def test_the_handlers_list_filters_and_searches_by_number_and_text(world):
    p = principal(world["people"]["strategist"])
    assert list(selectors.filtered(p)) == [world["buf"], world["vaf"]]  # newest first
    assert list(selectors.filtered(p, q=world["vaf"].number)) == [world["vaf"]]
    assert list(selectors.filtered(p, q="fakturor")) == [world["vaf"]]
    assert list(selectors.filtered(p, unit=world["buf"].unit_id)) == [world["buf"]]
    assert list(selectors.filtered(p, status="closed")) == []
    # A reporter has no handler's list.
    assert list(selectors.filtered(principal(world["people"]["employee_vaf"]))) == []


def test_statistics_count_per_category_unit_and_quarter_in_two_queries(world, django_assert_num_queries):
    p = principal(world["people"]["strategist"])
    p.roles  # noqa: B018  (the principal's roles are read once per request, not by statistics)
    with django_assert_num_queries(2):
        stats = selectors.statistics(p, year=2026)
    assert stats["total"] == 2
    assert stats["years"] == [2026]
    assert dict(stats["by_quarter"]) == {1: 0, 2: 0, 3: 0, 4: 2}
    assert dict(stats["by_unit"]) == {world["vaf"].unit.name: 1, world["buf"].unit.name: 1}
    assert dict(stats["by_category"]) == {"Ej bedömd": 2}
    assert selectors.statistics(principal(world["people"]["coordinator_vaf"]))["total"] == 1
