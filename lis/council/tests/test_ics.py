"""The .ics invitation and feed: RFC 5545 lines, folding, escaping, Europe/Stockholm times."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from lis.core import ics as core_ics
from lis.council import ics, services
from lis.council.models import Meeting

from .test_services import at, now  # noqa: F401  (fixture)

UTC = datetime.UTC


def unfold(data: bytes) -> list[str]:
    return data.decode().replace("\r\n ", "").split("\r\n")


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    line = "DESCRIPTION:" + "å" * 100 + "x" * 50
    folded = core_ics.fold(line)
    physical = folded.split("\r\n")
    assert len(physical) > 1
    assert all(len(part.encode()) <= 75 for part in physical)
    assert all(part.startswith(" ") for part in physical[1:])
    assert folded.replace("\r\n ", "") == line


def test_text_is_escaped():
    assert core_ics.escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf"


@pytest.fixture
def meetings(personas, now):  # noqa: F811
    s = personas["strategist"].user
    july = services.meeting_create(
        actor=s,
        starts_at=datetime.datetime(2026, 7, 1, 11, 0, tzinfo=UTC),  # 13:00 CEST
        ends_at=datetime.datetime(2026, 7, 1, 13, 0, tzinfo=UTC),
        location="Kommunhuset, rum 1; plan 2",
    )
    january = services.meeting_create(
        actor=s,
        starts_at=datetime.datetime(2027, 1, 13, 12, 0, tzinfo=UTC),  # 13:00 CET
        ends_at=datetime.datetime(2027, 1, 13, 14, 0, tzinfo=UTC),
        link="https://mote.example.invalid/e-radet",
    )
    services.agenda_item_add(actor=s, meeting=july, title="Punkt med, komma och " + "lång text " * 10)
    return july, january


def test_the_calendar_has_crlf_lines_vtimezone_and_local_times_in_summer_and_winter(meetings):
    july, january = meetings
    data = ics.meeting_calendar([july, january])
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    lines = unfold(data)
    assert "METHOD:PUBLISH" in lines and "VERSION:2.0" in lines
    assert "TZID:Europe/Stockholm" in lines
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" in lines and "TZNAME:CEST" in lines
    assert "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU" in lines and "TZNAME:CET" in lines
    assert "DTSTART;TZID=Europe/Stockholm:20260701T130000" in lines
    assert "DTEND;TZID=Europe/Stockholm:20260701T150000" in lines
    assert "DTSTART;TZID=Europe/Stockholm:20270113T130000" in lines
    assert f"UID:{july.uid}@lis" in lines
    assert "LOCATION:Kommunhuset\\, rum 1\\; plan 2" in lines
    assert "URL:https://mote.example.invalid/e-radet" in lines
    assert any(line.startswith("DESCRIPTION:1. Punkt med\\, komma") for line in lines)
    assert lines.count("STATUS:CONFIRMED") == 2
    # The local times read back as the meeting's instants.
    start = datetime.datetime(2026, 7, 1, 13, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
    assert start == july.starts_at


def test_the_invitation_is_a_request_with_the_sequence_and_a_cancellation_cancels(meetings, personas):
    july, _january = meetings
    lines = unfold(ics.meeting_invitation(july))
    assert "METHOD:REQUEST" in lines and "SEQUENCE:0" in lines
    assert any(line.startswith("ORGANIZER") for line in lines)
    services.meeting_update(actor=personas["strategist"].user, meeting=july, location="Stadshuset")
    assert "SEQUENCE:1" in unfold(ics.meeting_invitation(july))
    services.meeting_cancel(actor=personas["strategist"].user, meeting=july)
    july.refresh_from_db()
    lines = unfold(ics.meeting_invitation(july))
    assert "METHOD:CANCEL" in lines and "STATUS:CANCELLED" in lines and "SEQUENCE:2" in lines
    assert july.status == Meeting.Status.CANCELLED


def test_a_feed_token_names_its_user_until_the_password_changes(personas):
    user = personas["representative_tff"].user
    token = ics.feed_token(user)
    assert ics.feed_user(token) == user
    assert ics.feed_user(token + "x") is None
    assert ics.feed_user("nonsense") is None
    user.set_password("ett-helt-nytt-lösenord-2026")
    user.save()
    assert ics.feed_user(token) is None
