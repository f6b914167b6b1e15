"""The incidents' legal reporting clocks by e-mail (lis.compliance.reminders with the real
`incidents.clock` deadline kind): at once, one message each, to the handler and the
säkerhetsstrateg, once per stage; in LIS the incidents app tells them itself."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache

from lis.compliance import reminders
from lis.incidents import services

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOTICED = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=STOCKHOLM)


@pytest.fixture
def gdpr_clock(personas):
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
        return services.clock_answer(actor=personas["strategist"].user, incident=incident, key="gdpr", triggered=True)


def send_at(hours: float) -> list[str]:
    cache.clear()
    mail.outbox.clear()
    with time_machine.travel(NOTICED + datetime.timedelta(hours=hours), tick=False):
        reminders.send_legal()
    return sorted(message.to[0] for message in mail.outbox)


def test_the_imy_deadline_is_emailed_at_once_to_handler_and_strategist_once_per_stage(gdpr_clock):
    both = ["coordinator_vaf@test.invalid", "strategist@test.invalid"]
    assert send_at(2) == both  # the clock has started: told at once, whatever the hour
    assert all("lagstadgad tidsfrist" in m.subject for m in mail.outbox)
    assert send_at(3) == []  # nothing new
    assert send_at(61) == both  # inside the warning hours of 72
    assert send_at(62) == []
    assert send_at(73) == both  # passed
    assert "har passerat" in mail.outbox[0].subject
    assert send_at(80) == []
