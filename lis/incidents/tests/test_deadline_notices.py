"""Reminders of legal deadlines: the assigned handler and every säkerhetsstrateg are told in LIS
when fewer than the pack's warning hours remain, again when the deadline has passed, and never
twice for the same deadline and stage. The e-mail goes through lis.compliance.reminders
(lis/compliance/tests/test_reminders_incidents.py)."""

from __future__ import annotations

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from lis.core.models import ChangeLogEntry, Notification
from lis.incidents import services
from lis.incidents.models import DeadlineNotice

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOTICED = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def clock(personas):
    with time_machine.travel(NOTICED + datetime.timedelta(hours=1), tick=False):
        incident = services.incident_report(
            actor=personas["employee_vaf"].user,
            description="En lista med elevers personnummer mejlades till fel adress.",
            noticed_at=NOTICED,
            personal_data="yes",
        )
        services.incident_triage(
            actor=personas["strategist"].user,
            incident=incident,
            category="Informationsförlust/-läckage",
            severity="high",
            handler=personas["coordinator_vaf"].person,
        )
        Notification.objects.all().delete()
        return services.clock_answer(actor=personas["strategist"].user, incident=incident, key="gdpr", triggered=True)


def run_at(hours: float, capture) -> int:
    with time_machine.travel(NOTICED + datetime.timedelta(hours=hours), tick=False), capture(execute=True):
        return services.deadline_notices_send()


def test_it_sends_nothing_while_more_than_the_warning_hours_remain(clock, django_capture_on_commit_callbacks):
    assert run_at(59, django_capture_on_commit_callbacks) == 0  # 13 hours left of 72
    assert Notification.objects.count() == 0


def test_it_warns_the_handler_and_the_strategist_once_and_again_once_the_deadline_has_passed(
    clock, personas, django_capture_on_commit_callbacks
):
    assert run_at(61, django_capture_on_commit_callbacks) == 1
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {"coordinator_vaf", "strategist"}
    assert mail.outbox == []  # e-mailed by the reminders, not twice
    assert "går ut" in Notification.objects.first().message
    assert run_at(62, django_capture_on_commit_callbacks) == 0
    assert Notification.objects.count() == 2

    assert run_at(73, django_capture_on_commit_callbacks) == 1
    assert Notification.objects.count() == 4
    assert "passerade" in Notification.objects.order_by("pk").last().message
    assert run_at(80, django_capture_on_commit_callbacks) == 0
    assert set(DeadlineNotice.objects.values_list("deadline", "stage")) == {
        ("notification", "warning"),
        ("notification", "passed"),
    }
    assert ChangeLogEntry.objects.filter(event="incident_deadline_notice").count() == 2


def test_a_deadline_met_in_time_is_never_reminded(clock, personas, django_capture_on_commit_callbacks):
    with time_machine.travel(NOTICED + datetime.timedelta(hours=30), tick=False):
        services.report_record(
            actor=personas["strategist"].user,
            clock=clock,
            deadline="notification",
            sent_at=NOTICED + datetime.timedelta(hours=29),
            channel="IMY:s e-tjänst",
        )
    assert run_at(61, django_capture_on_commit_callbacks) == 0
    assert run_at(80, django_capture_on_commit_callbacks) == 0


def test_the_command_prints_what_it_sent_and_nothing_the_second_time(clock):
    with time_machine.travel(NOTICED + datetime.timedelta(hours=73), tick=False):
        out = StringIO()
        call_command("incident_deadlines", stdout=out)
        assert "passerade" in out.getvalue()
        assert "1 påminnelser skickade." in out.getvalue()
        again = StringIO()
        call_command("incident_deadlines", stdout=again)
        assert again.getvalue().strip() == "0 påminnelser skickade."
