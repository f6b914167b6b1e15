"""POL-2.6 (the handling part): incidents not triaged in time, legal deadlines passed without a
recorded report or decision, and open incidents left without activity for 30 days, each a
finding for the incident's förvaltning with a link only its handlers may follow; in a fixed
number of queries."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import time_machine

from lis.conftest import make_persona
from lis.core import access
from lis.core.rules import registered_rules
from lis.incidents import services
from lis.incidents.rules import incidents_handled

STOCKHOLM = ZoneInfo("Europe/Stockholm")
START = datetime.datetime(2026, 11, 1, 9, 0, tzinfo=STOCKHOLM)


def report(persona, at: datetime.datetime, **fields):
    with time_machine.travel(at, tick=False):
        return services.incident_report(
            actor=persona.user,
            description="Något hände.",
            noticed_at=at - datetime.timedelta(minutes=30),
            personal_data="no",
            **fields,
        )


def triage(persona, incident, at):
    with time_machine.travel(at, tick=False):
        return services.incident_triage(
            actor=persona.user, incident=incident, category="Handhavandefel", severity="low"
        )


def findings_at(at: datetime.datetime):
    with time_machine.travel(at, tick=False):
        return incidents_handled()


def test_the_rule_is_registered_for_pol_2_6():
    assert "POL-2.6" in registered_rules()


def test_an_incident_not_triaged_within_the_triage_hours_is_a_finding_of_its_unit(personas):
    incident = report(personas["employee_vaf"], START)
    assert findings_at(START + datetime.timedelta(hours=23)) == []
    (finding,) = findings_at(START + datetime.timedelta(hours=25))
    assert incident.number in finding.message and "inte bedömd" in finding.message
    assert finding.unit == incident.unit
    assert str(incident.pk) in finding.link
    assert finding.may_follow(access.principal_for(personas["coordinator_vaf"].user))
    assert not finding.may_follow(access.principal_for(personas["unit_head_buf"].user))


def test_a_passed_legal_deadline_without_a_report_or_decision_is_a_finding(personas):
    incident = report(personas["employee_vaf"], START)
    triage(personas["strategist"], incident, START + datetime.timedelta(hours=1))
    with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
        clock = services.clock_answer(actor=personas["strategist"].user, incident=incident, key="gdpr", triggered=True)
    assert findings_at(START + datetime.timedelta(hours=70)) == []
    (finding,) = findings_at(START + datetime.timedelta(hours=73))
    assert "Integritetsskyddsmyndigheten" in finding.message
    with time_machine.travel(START + datetime.timedelta(hours=74), tick=False):
        services.not_reporting_decide(
            actor=personas["strategist"].user,
            clock=clock,
            reason="Ingen sannolik risk för de registrerades rättigheter.",
            decided_by=personas["strategist"].person,
        )
    assert findings_at(START + datetime.timedelta(hours=75)) == []


def test_a_late_report_still_clears_the_finding(personas):
    incident = report(personas["employee_vaf"], START)
    triage(personas["strategist"], incident, START + datetime.timedelta(hours=1))
    with time_machine.travel(START + datetime.timedelta(hours=80), tick=False):
        clock = services.clock_answer(actor=personas["strategist"].user, incident=incident, key="gdpr", triggered=True)
        services.report_record(
            actor=personas["strategist"].user,
            clock=clock,
            deadline="notification",
            sent_at=START + datetime.timedelta(hours=79),
            channel="IMY:s e-tjänst",
        )
    assert findings_at(START + datetime.timedelta(hours=81)) == []


def test_an_open_incident_without_activity_for_30_days_is_a_finding_until_something_happens(personas):
    incident = report(personas["employee_vaf"], START)
    triage(personas["strategist"], incident, START + datetime.timedelta(hours=1))
    assert findings_at(START + datetime.timedelta(days=30)) == []
    (finding,) = findings_at(START + datetime.timedelta(days=31, hours=2))
    assert "30 dagar" in finding.message
    with time_machine.travel(START + datetime.timedelta(days=31, hours=3), tick=False):
        services.timeline_add(
            actor=personas["strategist"].user,
            incident=incident,
            kind="observation",
            text="Leverantören har svarat.",
            happened_at=START + datetime.timedelta(days=31),
        )
    assert findings_at(START + datetime.timedelta(days=31, hours=4)) == []


def test_the_rule_uses_a_fixed_number_of_queries(personas, amal, django_assert_num_queries):
    for index in range(6):
        incident = report(personas["employee_vaf"], START + datetime.timedelta(minutes=index))
        with time_machine.travel(START + datetime.timedelta(hours=1), tick=False):
            services.clock_answer(actor=personas["strategist"].user, incident=incident, key="nis2", triggered=True)
    make_persona(amal, "extra", unit="VAF", roles=[])
    with time_machine.travel(START + datetime.timedelta(days=40), tick=False), django_assert_num_queries(4):
        findings = incidents_handled()
    # 6 × (not triaged + early warning + notification passed + idle) = 24
    assert len(findings) == 24


def test_a_closed_incident_is_never_idle(personas):
    incident = report(personas["employee_vaf"], START)
    actor = personas["strategist"].user
    triage(personas["strategist"], incident, START + datetime.timedelta(hours=1))
    with time_machine.travel(START + datetime.timedelta(hours=2), tick=False):
        services.status_set(actor=actor, incident=incident, status="resolved")
        services.status_set(actor=actor, incident=incident, status="closed", lessons_learned="Rutinen följdes.")
    assert findings_at(START + datetime.timedelta(days=60)) == []
