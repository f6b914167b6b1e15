"""lis.core.ics, the iCalendar text behind every LIS calendar: read back with the `icalendar`
parser, as a calendar program would. Folding at 75 octets never splits a character, text
round-trips through its escaping, Europe/Stockholm is right on both summer-time nights, and
whole days are dates."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from lis.core import ics

UTC = datetime.UTC
STOCKHOLM = ZoneInfo("Europe/Stockholm")
STAMP = datetime.datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def event(**fields) -> ics.Event:
    values = {
        "uid": "test-1@lis",
        "stamp": STAMP,
        "start": datetime.datetime(2026, 6, 1, 13, 0, tzinfo=STOCKHOLM),
        "end": datetime.datetime(2026, 6, 1, 14, 0, tzinfo=STOCKHOLM),
        "summary": "Möte",
    }
    return ics.Event(**(values | fields))


def write(*events: ics.Event, **options) -> bytes:
    return ics.calendar(events, **({"prodid": "-//LIS//Test//SV", "name": "Test"} | options))


def read(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def only_event(data: bytes) -> icalendar.Event:
    events = list(read(data).walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def instant(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(UTC)


def our_zone(data: bytes):
    """The calendar's own VTIMEZONE as a tzinfo (not Python's zone database under its name)."""
    return read(data).walk("VTIMEZONE")[0].to_tz(lookup_tzid=False)


# --- lines ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "x", "xx", "xxx"])  # moves every character across the fold
def test_it_folds_long_lines_at_75_octets_without_splitting_a_character(prefix):
    summary = prefix + "Årsmöte på Ängö 🗳️ för förvaltningen 👩🏽‍💻 " * 8 + "ä" * 60 + "😀" * 30
    data = write(event(summary=summary, description=summary, location="Öö" * 80))
    physical = data.split(b"\r\n")
    assert len(physical) > 40
    assert all(len(line) <= 75 for line in physical)
    assert all(line.decode("utf-8") for line in physical[:-1])  # each line whole UTF-8 on its own
    assert all(line.startswith(b" ") for line in physical if line and not line[:1].isupper())
    parsed = only_event(data)
    assert str(parsed["SUMMARY"]) == summary
    assert str(parsed["DESCRIPTION"]) == summary
    assert str(parsed["LOCATION"]) == "Öö" * 80


def test_it_folds_only_lines_longer_than_75_octets():
    assert ics.fold("SUMMARY:" + "x" * 67) == "SUMMARY:" + "x" * 67
    assert ics.fold("SUMMARY:" + "x" * 68) == "SUMMARY:" + "x" * 67 + "\r\n x"
    assert ics.fold("SUMMARY:" + "x" * 66 + "å") == "SUMMARY:" + "x" * 66 + "\r\n å"


def test_it_ends_every_line_with_crlf():
    data = write(event(description="ett\ntvå\r\ntre\rfyra"))
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")


# --- values ---------------------------------------------------------------------------------------


def test_it_escapes_text_so_that_it_reads_back_unchanged():
    text = 'Punkt 1; budget, plan\\mål\n"Rum 2"\r\nslut\rsist'
    expected = 'Punkt 1; budget, plan\\mål\n"Rum 2"\nslut\nsist'  # every newline reads back as \n
    assert ics.escape(text) == 'Punkt 1\\; budget\\, plan\\\\mål\\n"Rum 2"\\nslut\\nsist'
    parsed = only_event(
        write(event(uid="a;b,c@lis", summary=text, location=text, description=text, categories=["a,b", "c;d"]))
    )
    assert str(parsed["UID"]) == "a;b,c@lis"
    assert str(parsed["SUMMARY"]) == expected
    assert str(parsed["LOCATION"]) == expected
    assert str(parsed["DESCRIPTION"]) == expected
    assert [str(c) for c in parsed["CATEGORIES"].cats] == ["a,b", "c;d"]


def test_it_never_lets_a_value_start_a_line_of_its_own():
    sneaky = "x\r\nEND:VEVENT\r\nBEGIN:VEVENT\nUID:evil\x00\x1b"
    data = write(
        event(summary=sneaky, url="https://e.invalid/a b\r\nBEGIN:VEVENT", organizer=(sneaky + '"', "a@b.invalid"))
    )
    lines = data.replace(b"\r\n ", b"").split(b"\r\n")
    assert lines.count(b"BEGIN:VEVENT") == 1 and not [line for line in lines if line.startswith(b"UID:evil")]
    assert b"\x00" not in data and b"\x1b" not in data
    parsed = only_event(data)
    assert str(parsed["SUMMARY"]) == "x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil"
    assert str(parsed["URL"]) == "https://e.invalid/a%20b%0D%0ABEGIN:VEVENT"
    assert str(parsed["ORGANIZER"]) == "mailto:a@b.invalid"
    assert parsed["ORGANIZER"].params["CN"] == 'x\nEND:VEVENT\nBEGIN:VEVENT\nUID:evil"'  # RFC 6868


def test_it_quotes_a_parameter_value_with_a_colon_semicolon_or_comma():
    assert ics.param("E-rådet") == "E-rådet"
    assert ics.param("Rådet: a; b, c") == '"Rådet: a; b, c"'
    parsed = only_event(write(event(organizer=("Rådet: a; b, c", "lis@kommun.invalid"))))
    assert parsed["ORGANIZER"].params["CN"] == "Rådet: a; b, c"


# --- the calendar ---------------------------------------------------------------------------------


def test_it_writes_the_calendar_s_properties():
    data = write(
        event(), prodid="-//LIS//Test//SV", name="LIS – mina, tidsfrister", refresh=datetime.timedelta(hours=1)
    )
    parsed = read(data)
    assert str(parsed["VERSION"]) == "2.0" and str(parsed["PRODID"]) == "-//LIS//Test//SV"
    assert str(parsed["CALSCALE"]) == "GREGORIAN" and str(parsed["METHOD"]) == "PUBLISH"
    # An X- property is TEXT (RFC 5545 3.8.8.2); the `icalendar` parser leaves X- values raw.
    assert "X-WR-CALNAME:LIS – mina\\, tidsfrister\r\n".encode() in data
    assert str(parsed["X-WR-TIMEZONE"]) == "Europe/Stockholm"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in data and b"X-PUBLISHED-TTL:PT1H\r\n" in data
    assert "METHOD" not in read(write(event(), method=None))
    assert str(read(write(event(), method="REQUEST"))["METHOD"]) == "REQUEST"
    parsed = only_event(data)
    assert parsed.decoded("DTSTAMP") == STAMP and str(parsed["UID"]) == "test-1@lis"


def test_it_refuses_what_it_cannot_write_correctly():
    with pytest.raises(ValueError):
        write(event(start=datetime.datetime(2026, 6, 1, 13, 0)))  # naive
    with pytest.raises(ValueError):
        write(event(end=datetime.date(2026, 6, 2)))  # a time to a date
    with pytest.raises(ValueError):
        write(event(status="MAYBE"))
    with pytest.raises(ValueError):
        write(event(), method="PUBLISH\r\nX-EVIL:1")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.timedelta(hours=1), "PT1H"),
        (datetime.timedelta(minutes=90), "PT1H30M"),
        (datetime.timedelta(days=1, seconds=5), "P1DT5S"),
        (datetime.timedelta(days=7), "P7D"),
        (datetime.timedelta(0), "PT0S"),
    ],
)
def test_it_writes_durations(value, expected):
    assert ics.duration(value) == expected


# --- Europe/Stockholm -----------------------------------------------------------------------------


def test_it_writes_the_stockholm_timezone_with_the_eu_summer_time_rules():
    data = write(event())
    zones = read(data).walk("VTIMEZONE")
    assert [str(zone["TZID"]) for zone in zones] == ["Europe/Stockholm"]
    ours = our_zone(data)
    # Every half hour of both changes' days, 2024–2031, is the same local time and offset by the
    # calendar's rules as by Python's zone database.
    for year in range(2024, 2032):
        for month in (3, 10):
            last_sunday = max(
                datetime.date(year, month, day)
                for day in range(25, 32)
                if datetime.date(year, month, day).weekday() == 6
            )
            start = datetime.datetime.combine(last_sunday, datetime.time(), tzinfo=UTC) - datetime.timedelta(hours=3)
            for step in range(2 * 30):
                moment = start + step * datetime.timedelta(minutes=30)
                by_rules, by_database = moment.astimezone(ours), moment.astimezone(STOCKHOLM)
                assert by_rules.replace(tzinfo=None) == by_database.replace(tzinfo=None), moment
                assert by_rules.utcoffset() == by_database.utcoffset(), moment


def test_it_writes_times_in_stockholm_local_time_in_summer_and_winter():
    summer = datetime.datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    winter = datetime.datetime(2027, 1, 13, 12, 0, tzinfo=UTC)
    data = write(event(start=summer, end=winter))
    assert b"DTSTART;TZID=Europe/Stockholm:20260701T130000\r\n" in data
    assert b"DTEND;TZID=Europe/Stockholm:20270113T130000\r\n" in data
    parsed = only_event(data)
    assert parsed["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert instant(parsed.decoded("DTSTART")) == summer and instant(parsed.decoded("DTEND")) == winter


def test_it_writes_an_event_at_0230_on_the_night_summer_time_begins():
    """29 March 2026 02:00 CET becomes 03:00 CEST: 02:30 is not a time in Stockholm that night.
    Python reads it with the offset before the change (01:30 UTC); the calendar says 03:30 CEST,
    the same instant, and no calendar program has to guess."""
    start = datetime.datetime(2026, 3, 29, 2, 30, tzinfo=STOCKHOLM)
    end = datetime.datetime(2026, 3, 29, 4, 0, tzinfo=STOCKHOLM)
    data = write(event(start=start, end=end))
    assert b"DTSTART;TZID=Europe/Stockholm:20260329T033000\r\n" in data
    parsed = only_event(data)
    assert instant(parsed.decoded("DTSTART")) == datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC) == instant(start)
    assert instant(parsed.decoded("DTEND")) == instant(end)
    # Read with the calendar's own VTIMEZONE too.
    ours = our_zone(data)
    local = parsed["DTSTART"].dt.replace(tzinfo=None)
    assert instant(local.replace(tzinfo=ours)) == instant(start)


@pytest.mark.parametrize(("fold", "utc_hour"), [(0, 0), (1, 1)])  # 02:30 CEST, then 02:30 CET
def test_it_writes_an_event_at_either_0230_on_the_night_summer_time_ends(fold, utc_hour):
    """25 October 2026 03:00 CEST becomes 02:00 CET: 02:30 happens twice. A local time names the
    first (RFC 5545 3.3.5), so the second is written in UTC."""
    start = datetime.datetime(2026, 10, 25, 2, 30, fold=fold, tzinfo=STOCKHOLM)
    end = datetime.datetime(2026, 10, 25, 5, 0, tzinfo=STOCKHOLM)
    data = write(event(start=start, end=end))
    parsed = only_event(data)
    assert instant(parsed.decoded("DTSTART")) == datetime.datetime(2026, 10, 25, utc_hour, 30, tzinfo=UTC)
    assert instant(parsed.decoded("DTSTART")) == instant(start)
    assert instant(parsed.decoded("DTEND")) == instant(end)
    if fold == 0:
        assert b"DTSTART;TZID=Europe/Stockholm:20261025T023000\r\n" in data
        local = parsed["DTSTART"].dt.replace(tzinfo=None)
        assert instant(local.replace(tzinfo=our_zone(data))) == instant(start)
    else:
        assert b"DTSTART:20261025T013000Z\r\n" in data


def test_it_writes_the_two_0230s_of_the_night_summer_time_ends_as_two_instants():
    first = datetime.datetime(2026, 10, 25, 2, 30, tzinfo=STOCKHOLM)
    second = first.replace(fold=1)
    parsed = only_event(write(event(start=first, end=second)))
    assert parsed.decoded("DTEND") - parsed.decoded("DTSTART") == datetime.timedelta(hours=1)


# --- whole days -----------------------------------------------------------------------------------


def test_it_writes_all_day_events_as_dates():
    day = datetime.date(2026, 3, 29)  # the day summer time begins: still one day
    data = write(event(start=day, end=day + datetime.timedelta(days=1), transp="TRANSPARENT"))
    assert b"DTSTART;VALUE=DATE:20260329\r\n" in data and b"DTEND;VALUE=DATE:20260330\r\n" in data
    parsed = only_event(data)
    assert parsed.decoded("DTSTART") == day and parsed.decoded("DTEND") == datetime.date(2026, 3, 30)
    assert not isinstance(parsed.decoded("DTSTART"), datetime.datetime)
    assert "TZID" not in parsed["DTSTART"].params
    assert str(parsed["TRANSP"]) == "TRANSPARENT"
