"""The incident services: every signed-in user reports, only handlers handle; what is refused
writes nothing; every change is in the change log; numbers are unique per year; the legal
clocks are answered and met by recorded reports or a recorded decision; measures and risks go
into the förvaltning's current analysis."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from lis.core.models import ChangeLogEntry, Notification
from lis.incidents import services
from lis.incidents.models import Clock, Incident, ReportSent, TimelineEntry
from lis.risks import services as risk_services

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=STOCKHOLM)
CATEGORY = "Angrepp"


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def report(persona, **fields):
    values = {
        "description": "Ett misstänkt mejl öppnades och datorn beter sig konstigt.",
        "noticed_at": NOW - datetime.timedelta(hours=2),
        "personal_data": "unknown",
    }
    return services.incident_report(actor=persona.user, **(values | fields))


@pytest.fixture
def incident(personas, now):
    return report(personas["employee_vaf"])


def test_every_signed_in_user_reports_and_gets_the_next_number_of_the_year(personas, now):
    first = report(personas["employee_vaf"])
    second = report(personas["board_member_bun"])
    assert (first.number, second.number) == ("2026-0001", "2026-0002")
    assert first.reported_by == personas["employee_vaf"].user
    assert first.reporter == personas["employee_vaf"].person
    assert first.status == Incident.Status.NEW
    assert ChangeLogEntry.objects.filter(object_type="incidents.incident", object_id=str(first.pk)).exists()


def test_the_incident_belongs_to_the_reporters_forvaltning_or_the_systems(personas, amal, make_system, now):
    assert report(personas["employee_vaf"]).unit == amal["units"]["VAF"]
    system = make_system(unit="BUF", name="Skolplattform")
    incident = report(personas["employee_vaf"], system=system)
    assert incident.unit == amal["units"]["BUF"]
    assert list(incident.systems.all()) == [system]


def test_it_notifies_the_strategist_and_the_units_samordnare_of_a_new_report_in_lis_and_by_email(
    personas, now, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(personas["employee_vaf"])
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"strategist", "coordinator_vaf"}
    assert all(incident.number in n.message for n in Notification.objects.all())
    assert {m.to[0] for m in mail.outbox} == {"strategist@test.invalid", "coordinator_vaf@test.invalid"}


def test_it_refuses_an_anonymous_report(db):
    with pytest.raises(PermissionDenied):
        services.incident_report(actor=AnonymousUser(), description="x", noticed_at=NOW, personal_data="no")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"description": "  "}, "description"),
        ({"noticed_at": NOW + datetime.timedelta(minutes=5)}, "noticed_at"),
        ({"occurred_at": NOW - datetime.timedelta(hours=1)}, "occurred_at"),  # after noticed (NOW - 2 h)
        ({"personal_data": "maybe"}, "personal_data"),
    ],
)
def test_it_rejects_an_invalid_report_and_writes_nothing(personas, now, fields, field):
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        report(personas["employee_vaf"], **fields)
    assert field in error.value.message_dict
    assert Incident.objects.count() == 0
    assert ChangeLogEntry.objects.count() == before


def test_it_takes_the_next_number_when_another_report_took_it_between_read_and_write(personas, now, monkeypatch):
    report(personas["employee_vaf"])
    calls = []
    original = services._next_serial

    def stale(year):
        calls.append(year)
        return 1 if len(calls) == 1 else original(year)

    monkeypatch.setattr(services, "_next_serial", stale)
    second = report(personas["employee_vaf"])
    assert second.number == "2026-0002"
    assert len(calls) == 2


def test_numbers_start_again_each_year(personas):
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=STOCKHOLM), tick=False):
        last = services.incident_report(
            actor=personas["employee_vaf"].user,
            description="a",
            noticed_at=datetime.datetime(2026, 12, 31, 23, 0, tzinfo=STOCKHOLM),
            personal_data="no",
        )
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=STOCKHOLM), tick=False):
        first = services.incident_report(
            actor=personas["employee_vaf"].user,
            description="b",
            noticed_at=datetime.datetime(2027, 1, 1, 0, 10, tzinfo=STOCKHOLM),
            personal_data="no",
        )
    assert (last.number, first.number) == ("2026-0001", "2027-0001")


def test_only_a_handler_triages(personas, incident):
    for key in ("employee_vaf", "unit_head_buf", "representative_tff", "board_member_bun", "hr"):
        with pytest.raises(PermissionDenied):
            services.incident_triage(actor=personas[key].user, incident=incident, category=CATEGORY, severity="high")
    triaged = services.incident_triage(
        actor=personas["coordinator_vaf"].user,
        incident=incident,
        category=CATEGORY,
        severity="high",
        handler=personas["strategist"].person,
    )
    assert triaged.triaged_at == NOW
    assert triaged.status == Incident.Status.INVESTIGATING
    assert triaged.handler == personas["strategist"].person
    assert Notification.objects.filter(recipient=personas["strategist"].user, message__contains="handläggare").exists()


def test_it_rejects_a_category_or_severity_not_in_the_pack_and_changes_nothing(personas, incident):
    with pytest.raises(ValidationError) as error:
        services.incident_triage(actor=personas["strategist"].user, incident=incident, category="Okänd", severity="x")
    assert set(error.value.message_dict) == {"category", "severity"}
    incident.refresh_from_db()
    assert incident.triaged_at is None and incident.category == ""


def test_it_rejects_a_handler_without_a_handling_role(personas, incident):
    with pytest.raises(ValidationError) as error:
        services.incident_triage(
            actor=personas["strategist"].user,
            incident=incident,
            category=CATEGORY,
            severity="low",
            handler=personas["hr"].person,
        )
    assert "handler" in error.value.message_dict


def test_an_update_records_the_gdpr_documentation_and_the_activity(personas, incident):
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        services.incident_update(
            actor=personas["strategist"].user,
            incident=incident,
            personal_data="yes",
            data_subject_categories="Elever",
            data_subjects_approx=30,
        )
    incident.refresh_from_db()
    assert incident.data_subjects_approx == 30
    assert incident.last_activity_at == NOW + datetime.timedelta(hours=1)
    entry = ChangeLogEntry.objects.filter(object_type="incidents.incident", action="update").order_by("sequence").last()
    assert entry.changes["data_subjects_approx"] == [None, 30]


def test_an_update_refuses_fields_that_are_not_the_handlers(personas, incident):
    with pytest.raises(ValidationError):
        services.incident_update(actor=personas["strategist"].user, incident=incident, reported_by=None)


def test_the_status_goes_forward_step_by_step_and_closing_needs_lessons_learned(personas, incident):
    actor = personas["strategist"].user
    with pytest.raises(ValidationError):
        services.status_set(actor=actor, incident=incident, status="closed", lessons_learned="x")
    services.incident_triage(actor=actor, incident=incident, category=CATEGORY, severity="low")
    services.status_set(actor=actor, incident=incident, status="resolved")
    with pytest.raises(ValidationError) as error:
        services.status_set(actor=actor, incident=incident, status="closed")
    assert "lessons_learned" in error.value.message_dict
    closed = services.status_set(actor=actor, incident=incident, status="closed", lessons_learned="Utbilda i nätfiske.")
    assert closed.closed_at == NOW and closed.resolved_at == NOW
    reopened = services.status_set(actor=actor, incident=incident, status="investigating")
    assert reopened.closed_at is None


def test_it_refuses_to_close_while_a_legal_report_is_due(personas, incident):
    actor = personas["strategist"].user
    services.incident_triage(actor=actor, incident=incident, category=CATEGORY, severity="high")
    services.clock_answer(actor=actor, incident=incident, key="gdpr", triggered=True)
    services.status_set(actor=actor, incident=incident, status="resolved")
    with pytest.raises(ValidationError):
        services.status_set(actor=actor, incident=incident, status="closed", lessons_learned="x")


def test_a_timeline_entry_is_recorded_and_never_in_the_future(personas, incident):
    actor = personas["coordinator_vaf"].user
    entry = services.timeline_add(
        actor=actor, incident=incident, kind="action", text="Datorn kopplades bort.", happened_at=NOW
    )
    assert entry.author == actor
    with pytest.raises(ValidationError):
        services.timeline_add(
            actor=actor, incident=incident, kind="action", text="x", happened_at=NOW + datetime.timedelta(hours=1)
        )
    with pytest.raises(PermissionDenied):
        services.timeline_add(
            actor=personas["employee_vaf"].user, incident=incident, kind="action", text="x", happened_at=NOW
        )
    assert TimelineEntry.objects.count() == 1


def test_a_triggered_clock_starts_when_the_incident_became_known(personas, incident):
    clock = services.clock_answer(actor=personas["strategist"].user, incident=incident, key="nis2", triggered=True)
    assert clock.started_at == incident.noticed_at
    assert clock.answered_by == personas["strategist"].user
    with pytest.raises(ValidationError):
        services.clock_answer(actor=personas["strategist"].user, incident=incident, key="okänd", triggered=True)


def test_reports_are_recorded_once_never_in_the_future_and_the_final_report_only_after_the_notification(
    personas, incident
):
    actor = personas["strategist"].user
    clock = services.clock_answer(actor=actor, incident=incident, key="nis2", triggered=True)
    with pytest.raises(ValidationError) as error:
        services.report_record(
            actor=actor, clock=clock, deadline="final_report", sent_at=NOW, channel="CERT-SE:s formulär"
        )
    assert "deadline" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.report_record(
            actor=actor, clock=clock, deadline="early_warning", sent_at=NOW + datetime.timedelta(hours=1), channel="x"
        )
    assert "sent_at" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.report_record(
            actor=actor, clock=clock, deadline="early_warning", sent_at=NOW - datetime.timedelta(days=1), channel="x"
        )
    assert "sent_at" in error.value.message_dict
    sent = services.report_record(
        actor=actor, clock=clock, deadline="early_warning", sent_at=NOW, channel="CERT-SE:s formulär", reference="CS-1"
    )
    assert sent.recorded_by == actor
    with pytest.raises(ValidationError):
        services.report_record(actor=actor, clock=clock, deadline="early_warning", sent_at=NOW, channel="x")
    assert ReportSent.objects.count() == 1


def test_a_decision_not_to_report_needs_a_reason_and_who_decided(personas, incident):
    actor = personas["strategist"].user
    clock = services.clock_answer(actor=actor, incident=incident, key="gdpr", triggered=True)
    with pytest.raises(ValidationError) as error:
        services.not_reporting_decide(actor=actor, clock=clock, reason=" ", decided_by=personas["strategist"].person)
    assert "not_reporting_reason" in error.value.message_dict
    decided = services.not_reporting_decide(
        actor=actor, clock=clock, reason="Ingen risk för de registrerade.", decided_by=personas["strategist"].person
    )
    assert decided.not_reporting_decided_at == NOW
    with pytest.raises(ValidationError):
        services.clock_answer(actor=actor, incident=incident, key="gdpr", triggered=False)
    assert Clock.objects.get(pk=clock.pk).triggered


def test_a_measure_from_an_incident_is_refused_when_the_unit_has_no_analysis(personas, incident):
    with pytest.raises(ValidationError) as error:
        services.measure_create_from(
            actor=personas["strategist"].user, incident=incident, title="MFA", kind="technical", status="not_started"
        )
    assert "informationssäkerhetsanalys" in error.value.messages[0]
    assert incident.measures.count() == 0


def test_a_measure_and_a_risk_from_an_incident_go_into_the_units_current_analysis(personas, amal, make_system, now):
    system = make_system(unit="VAF", name="Ekonomisystem")
    incident = report(personas["employee_vaf"], system=system)
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 2, 1))
    actor = personas["coordinator_vaf"].user
    measure = services.measure_create_from(
        actor=actor, incident=incident, title="Inför MFA", kind="technical", status="not_started"
    )
    risk = services.risk_add_from(
        actor=actor,
        incident=incident,
        system=system,
        cause="nätfiske",
        event="obehörig inloggning",
        consequence_text="uppgifter röjs",
        aspects=["K"],
        likelihood=3,
        consequence=3,
    )
    assert measure.analysis == analysis and risk.analysis == analysis
    assert list(incident.measures.all()) == [measure]
    assert list(incident.risks.all()) == [risk]
    entry = ChangeLogEntry.objects.filter(object_type="incidents.incident", action="update").order_by("sequence").last()
    assert entry.changes["risks"] == [[], [risk.pk]]


def test_a_reporter_cannot_add_measures_to_their_own_report(personas, incident):
    with pytest.raises(PermissionDenied):
        services.measure_create_from(
            actor=personas["employee_vaf"].user, incident=incident, title="x", kind="technical", status="not_started"
        )


def test_the_history_of_an_incident_reads_with_the_packs_names(personas, incident):
    from lis.core import access
    from lis.core.history import present

    services.incident_triage(actor=personas["strategist"].user, incident=incident, category=CATEGORY, severity="high")
    services.clock_answer(actor=personas["strategist"].user, incident=incident, key="gdpr", triggered=True)
    entries = list(ChangeLogEntry.objects.filter(object_type__startswith="incidents.").order_by("sequence"))
    rows = present(access.principal_for(personas["strategist"].user), entries)
    texts = [f"{c.label} {c.old} {c.new}" for row in rows for c in row.changes]
    assert any("Hög" in text for text in texts)
    assert any("Dataskyddsförordningen" in text for text in texts)
