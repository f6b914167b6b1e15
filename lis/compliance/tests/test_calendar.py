"""The personal calendar feed (issue 15 item 4): a secret, revocable address; the person's
deadlines and E-råd meetings; right in Europe/Stockholm across summer time; read back with the
`icalendar` parser."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from lis.compliance import calendar
from lis.compliance.models import CalendarFeedToken
from lis.compliance.tests.test_reminders import FAKE_LEGAL, at, deadline
from lis.compliance.tests.test_reminders import fake_kinds as _fake_kinds  # noqa: F401  (the fixture)
from lis.core.models import ChangeLogEntry
from lis.council import ics as council_ics

TZ = ZoneInfo("Europe/Stockholm")


def make_address(persona) -> str:
    """Make the address on Mina påminnelser, as the person does, and read it from the page."""
    client = persona.client()
    response = client.post(reverse("compliance:calendar_token"), {"action": "create"})
    assert response.status_code == 302
    page = client.get(reverse("compliance:reminders")).content.decode()
    start = page.index('id="feed-url"')
    value = page[page.index('value="', start) + 7 :]
    url = value[: value.index('"')]
    assert url.startswith("http") and url.endswith(".ics")
    # Shown once only.
    assert 'id="feed-url"' not in client.get(reverse("compliance:reminders")).content.decode()
    return url.split("testserver", 1)[-1]


@pytest.fixture
def fake_kinds(_fake_kinds):  # noqa: F811  (the imported fixture, under its own name here)
    """Our own deadline kinds (see test_reminders)."""
    return _fake_kinds


@pytest.fixture
def vaf(amal):
    return amal["units"]["VAF"]


def test_the_feed_has_my_deadlines_in_stockholm_time_across_summer_time(personas, fake_kinds, vaf):
    me = personas["employee_vaf"]
    deadline(me.person, vaf, datetime.date(2026, 3, 20), n=1)
    winter = datetime.datetime(2026, 3, 28, 14, 0, tzinfo=TZ)  # the day before summer time
    summer = datetime.datetime(2026, 3, 30, 14, 0, tzinfo=TZ)  # the day after
    deadline(me.person, vaf, winter.date(), kind=FAKE_LEGAL, n=2, due_at=winter)
    deadline(me.person, vaf, summer.date(), kind=FAKE_LEGAL, n=3, due_at=summer)
    deadline(personas["hr"].person, vaf, datetime.date(2026, 3, 21), n=4)  # someone else's
    url = make_address(me)
    with at(2026, 3, 10, 9):
        response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content
    assert b"\r\n" in body
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["version"]) == "2.0" and str(parsed["method"]) == "PUBLISH"
    zones = [tz for tz in parsed.walk("VTIMEZONE")]
    assert [str(tz["tzid"]) for tz in zones] == ["Europe/Stockholm"]
    rules = {c.name: c for c in zones[0].subcomponents}
    assert set(rules) == {"STANDARD", "DAYLIGHT"}  # yearly rules, as Outlook reads them
    assert rules["DAYLIGHT"]["rrule"]["BYMONTH"] == [3] and rules["STANDARD"]["rrule"]["BYMONTH"] == [10]
    events = {str(e["summary"]): e for e in parsed.walk("VEVENT")}
    assert set(events) == {"Åtgärd 1 i VAF", "Åtgärd 2 i VAF", "Åtgärd 3 i VAF"}
    all_day = events["Åtgärd 1 i VAF"]
    assert all_day.decoded("dtstart") == datetime.date(2026, 3, 20)
    assert all_day.decoded("dtend") == datetime.date(2026, 3, 21)
    assert str(all_day["url"]).endswith(f"/organisation/enheter/{vaf.pk}/")
    before, after = events["Åtgärd 2 i VAF"].decoded("dtstart"), events["Åtgärd 3 i VAF"].decoded("dtstart")
    assert events["Åtgärd 2 i VAF"]["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert (before.hour, before.utcoffset()) == (14, datetime.timedelta(hours=1))
    assert (after.hour, after.utcoffset()) == (14, datetime.timedelta(hours=2))
    assert before.astimezone(datetime.UTC).hour == 13 and after.astimezone(datetime.UTC).hour == 12
    uids = [str(e["uid"]) for e in parsed.walk("VEVENT")]
    assert len(set(uids)) == 3
    # The same deadline keeps its UID from one fetch to the next (calendars update, not duplicate).
    with at(2026, 3, 11, 9):
        again = icalendar.Calendar.from_ical(Client().get(url).content)
    assert sorted(str(e["uid"]) for e in again.walk("VEVENT")) == sorted(uids)
    assert CalendarFeedToken.objects.get(person=me.person).last_used_at is not None


def test_the_feed_has_the_council_meetings_i_sit_in(personas, fake_kinds):
    from lis.council.models import Meeting
    from lis.council.selectors import council_get

    cache.clear()
    council = council_get()
    meeting = Meeting.objects.create(
        council=council,
        starts_at=datetime.datetime(2026, 4, 2, 13, 0, tzinfo=TZ),
        ends_at=datetime.datetime(2026, 4, 2, 15, 0, tzinfo=TZ),
        location="Stadshuset, sal 1",
        link="https://mote.example.invalid/e-radet",
    )
    chair = personas["it_manager"]  # E-rådets ordförande
    with at(2026, 3, 10, 9):
        parsed = icalendar.Calendar.from_ical(Client().get(make_address(chair)).content)
        others = icalendar.Calendar.from_ical(Client().get(make_address(personas["hr"])).content)
    events = list(parsed.walk("VEVENT"))
    assert len(events) == 1  # once, as the meeting, not again as a deadline
    assert str(events[0]["uid"]) == f"{meeting.uid}@lis"
    assert str(events[0]["location"]) == "Stadshuset, sal 1"
    assert events[0].decoded("dtstart").utcoffset() == datetime.timedelta(hours=2)
    assert list(others.walk("VEVENT")) == []
    # The same event as the meeting's invitation, so Outlook shows it once.
    (invited,) = icalendar.Calendar.from_ical(council_ics.meeting_invitation(meeting)).walk("VEVENT")
    for name in ("UID", "SUMMARY", "LOCATION", "DESCRIPTION", "URL", "SEQUENCE", "ORGANIZER", "STATUS"):
        assert events[0][name] == invited[name], name
    assert events[0].decoded("DTSTART") == invited.decoded("DTSTART")
    assert events[0].decoded("DTEND") == invited.decoded("DTEND")


def test_revoking_or_renewing_the_address_makes_the_old_one_404(personas, fake_kinds):
    me = personas["employee_vaf"]
    old = make_address(me)
    assert Client().get(old).status_code == 200
    new = make_address(me)  # renewing
    assert new != old
    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200
    me.client().post(reverse("compliance:calendar_token"), {"action": "revoke"})
    assert Client().get(new).status_code == 404
    assert not CalendarFeedToken.objects.exists()
    events = list(ChangeLogEntry.objects.filter(object_id=str(me.person.pk)).values_list("event", flat=True))
    assert events.count("calendar_feed_created") == 2 and events.count("calendar_feed_revoked") == 1


def test_only_a_hash_of_the_secret_is_stored(personas, fake_kinds):
    url = make_address(personas["employee_vaf"])
    secret = url.rsplit("/", 1)[-1].removesuffix(".ics")
    row = CalendarFeedToken.objects.get()
    assert secret not in row.token_hash and len(row.token_hash) == 64
    assert not ChangeLogEntry.objects.filter(changes__icontains=secret).exists()


def test_a_forged_token_or_a_person_who_has_left_gets_404(personas, fake_kinds):
    me = personas["employee_vaf"]
    url = make_address(me)
    assert Client().get(url.replace(".ics", "x.ics")).status_code == 404
    assert Client().get(reverse("compliance:calendar_feed", args=["a" * 43])).status_code == 404
    type(me.person).objects.filter(pk=me.person.pk).update(ended_on=datetime.date(2020, 1, 1))
    assert Client().get(url).status_code == 404


def test_nobody_reaches_another_person_s_feed_or_address(personas, fake_kinds):
    mine = make_address(personas["employee_vaf"])
    other = personas["hr"].client()
    # The other person's page shows no address of mine, and their revoke leaves mine alone.
    assert mine not in other.get(reverse("compliance:reminders")).content.decode()
    other.post(reverse("compliance:calendar_token"), {"action": "revoke"})
    assert Client().get(mine).status_code == 200
    # Making and revoking an address needs a POST by the signed-in person.
    assert other.get(reverse("compliance:calendar_token")).status_code == 405
    assert Client().post(reverse("compliance:calendar_token"), {"action": "revoke"}).status_code == 302
    assert CalendarFeedToken.objects.count() == 1


def test_the_services_refuse_another_person(personas, fake_kinds):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        calendar.token_create(actor=personas["strategist"].user, person=personas["hr"].person)
    with pytest.raises(PermissionDenied):
        calendar.token_revoke(actor=personas["strategist"].user, person=personas["hr"].person)
