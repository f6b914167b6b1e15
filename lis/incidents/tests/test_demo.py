"""The incidents' demo data: what the issue asks for, all in the past, loaded twice without
duplicates."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from lis.core import access
from lis.core.models import ChangeLogEntry, User
from lis.incidents import clocks, selectors
from lis.incidents.demo import load_incidents_demo
from lis.incidents.models import Incident
from lis.incidents.rules import incidents_handled

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TODAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def demo(db):
    from lis.organisation.demo import load_demo
    from lis.systems.demo import load_systems_demo

    with time_machine.travel(TODAY, tick=False):
        load_demo(generic_people=5)
        load_systems_demo()
        first = load_incidents_demo()
        count = Incident.objects.count()
        second = load_incidents_demo()
        yield {"first": first, "second": second, "count": count}


def by_text(fragment: str) -> Incident:
    return Incident.objects.get(description__contains=fragment)


def test_loading_the_demo_twice_adds_nothing_the_second_time(demo):
    assert demo["count"] == Incident.objects.count() == 12
    assert "påhittade" in demo["first"][0]
    assert demo["second"][0].startswith("Incidenter: 0 ")


def test_the_demo_spans_the_last_year_categories_and_units_and_everything_is_in_the_past(demo):
    incidents = list(Incident.objects.all())
    assert len({i.category for i in incidents if i.category}) >= 8
    assert len({i.unit_id for i in incidents}) >= 5
    assert min(i.noticed_at for i in incidents) > TODAY - datetime.timedelta(days=366)
    for incident in incidents:
        assert incident.reported_at <= TODAY and incident.last_activity_at <= TODAY
        assert incident.noticed_at <= incident.reported_at
        assert incident.triaged_at is None or incident.triaged_at <= TODAY
    assert ChangeLogEntry.objects.filter(object_type="incidents.incident", action="create").count() == 12


def test_a_personal_data_breach_was_reported_to_imy_in_time(demo):
    incident = by_text("placeringsbeslut glömdes")
    (notification,) = clocks.deadlines(incident, TODAY)
    assert notification.state == "met"
    assert notification.sent.sent_at <= notification.due_at
    assert incident.status == Incident.Status.CLOSED


def test_a_significant_incident_has_its_final_report_still_running(demo):
    incident = by_text("Utpressningsvirus")
    states = {d.key: d.state for d in clocks.deadlines(incident, TODAY) if d.clock_key == "nis2"}
    assert states == {"early_warning": "met", "notification": "met", "final_report": "running"}


def test_one_incident_missed_its_deadline_and_is_a_finding(demo):
    incident = by_text("kalkylark med namn och diagnoser")
    (notification,) = clocks.deadlines(incident, TODAY)
    assert notification.state == "passed"
    with time_machine.travel(TODAY, tick=False):
        messages = [f.message for f in incidents_handled()]
    assert any(incident.number in m and "Integritetsskyddsmyndigheten" in m for m in messages)


def test_the_medarbetare_reported_one_not_yet_triaged_and_sees_only_that(demo):
    user = User.objects.get(username="medarbetare")
    incident = Incident.objects.get(reported_by=user)
    assert incident.triaged_at is None and incident.status == Incident.Status.NEW
    with time_machine.travel(TODAY, tick=False):
        p = access.principal_for(user)
        assert list(selectors.incidents_visible_to(p)) == [incident]
        samordnare = access.principal_for(User.objects.get(username="samordnare.vaf"))
        assert selectors.reporter_label(samordnare, incident) == "Namnet visas inte för förvaltningen"
