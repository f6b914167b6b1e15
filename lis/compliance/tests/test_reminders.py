"""Reminders by e-mail (issue 15 item 2): a daily digest at most once a day, legal deadlines at
once, weekly summaries, idempotent runs, failed sends retried and reported, preferences kept.

The tests register their own deadline kinds with fake collectors, so they do not depend on which
apps have registered theirs."""

from __future__ import annotations

import datetime
import io
import shutil
import smtplib
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.urls import reverse

from lis.compliance import reminders
from lis.compliance.models import ReminderMessage, ReminderPreference, ReminderSettings, SentReminder
from lis.conftest import PERSONA_SPECS
from lis.core import access
from lis.core import deadlines as registry
from lis.core.deadlines import Deadline, DeadlineKind
from lis.core.models import ChangeLogEntry
from lis.core.pack import PackError, load_pack
from lis.core.selectors import history_for

TZ = ZoneInfo("Europe/Stockholm")
FAKE = "test.fake"
FAKE_OTHER = "test.other"
FAKE_LEGAL = "test.legal"

# What the fake collectors return (each test fills it).
DEADLINES: list[Deadline] = []


def _collect(kind: str):
    def collect(until: datetime.date):
        return [d for d in DEADLINES if d.kind == kind and d.due <= until]

    return collect


@pytest.fixture
def fake_kinds():
    cache.clear()  # lis.compliance.deadlines keeps the resolution for the day
    DEADLINES.clear()
    kinds = [
        DeadlineKind(FAKE, "Provfrister", collect=_collect(FAKE), order=1),
        DeadlineKind(FAKE_OTHER, "Andra provfrister", collect=_collect(FAKE_OTHER), order=2),
        DeadlineKind(FAKE_LEGAL, "Lagstadgade provfrister", collect=_collect(FAKE_LEGAL), legal=True, order=0),
    ]
    saved = dict(registry._KINDS)
    registry._KINDS.clear()  # only ours: other apps' collectors would need their own data
    for kind in kinds:
        registry.register_deadline_kind(kind)
    yield DEADLINES
    registry._KINDS.clear()
    registry._KINDS.update(saved)
    DEADLINES.clear()


def deadline(person, unit, due: datetime.date, *, kind: str = FAKE, n: int = 1, due_at=None) -> Deadline:
    made = Deadline(
        kind=kind,
        key=f"{kind}:{unit.pk}:{n}:{due.isoformat()}",
        title=f"Åtgärd {n} i {unit.short_name}",
        due=due,
        url=f"/organisation/enheter/{unit.pk}/",
        responsible_id=person.pk,
        unit_id=unit.pk,
        object_type="organisation.orgunit",
        object_id=str(unit.pk),
        due_at=due_at,
        legal=kind == FAKE_LEGAL,
    )
    DEADLINES.append(made)
    return made


def at(year, month, day, hour=8, minute=0):
    return time_machine.travel(datetime.datetime(year, month, day, hour, minute, tzinfo=TZ), tick=False)


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Anslutningen stängdes")


FAILING = f"{__name__}.FailingBackend"


@pytest.fixture
def vaf(amal):
    return amal["units"]["VAF"]


def test_it_sends_one_digest_grouped_by_kind_with_absolute_links(personas, fake_kinds, vaf):
    person = personas["employee_vaf"].person
    deadline(person, vaf, datetime.date(2026, 3, 2), n=1)  # overdue
    deadline(person, vaf, datetime.date(2026, 3, 10), n=2)  # due today
    deadline(person, vaf, datetime.date(2026, 3, 20), kind=FAKE_OTHER, n=3)  # within 14 days
    deadline(person, vaf, datetime.date(2026, 5, 1), n=4)  # beyond the horizon
    with at(2026, 3, 10):
        reminders.run()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["employee_vaf@test.invalid"]
    assert "3 nya påminnelser" in message.subject and "1 försenad" in message.subject
    text = message.body
    assert text.index("== Provfrister ==") < text.index("== Andra provfrister ==")
    assert "Åtgärd 1 i VAF" in text and "Försenad, skulle vara klar 2026-03-02" in text
    assert "Förfaller i dag, 2026-03-10" in text
    assert "Åtgärd 3 i VAF" in text and "Åtgärd 4" not in text
    assert f"{settings.LIS_BASE_URL}/organisation/enheter/{vaf.pk}/" in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="sv">' in html
    assert f'href="{settings.LIS_BASE_URL}/organisation/enheter/{vaf.pk}/"' in html
    assert f"{settings.LIS_BASE_URL}{reverse('compliance:reminders')}" in text
    assert SentReminder.objects.filter(status="sent").count() == 3


def test_running_twice_sends_nothing_twice(personas, fake_kinds, vaf):
    person = personas["employee_vaf"].person
    deadline(person, vaf, datetime.date(2026, 3, 12))
    with at(2026, 3, 10, 7, 15):
        reminders.run()
    with at(2026, 3, 10, 7, 30):
        reminders.run()
        call_command("reminders", stdout=io.StringIO())
    assert len(mail.outbox) == 1
    assert ReminderMessage.objects.count() == 1
    # Something new the same day waits for tomorrow: at most one digest a day.
    deadline(person, vaf, datetime.date(2026, 3, 11), n=2)
    with at(2026, 3, 10, 12):
        reminders.run()
    assert len(mail.outbox) == 1
    with at(2026, 3, 11, 7, 15):
        reminders.run()
    assert len(mail.outbox) == 2
    assert "[NY] Åtgärd 2 i VAF" in mail.outbox[1].body
    assert "[NY] Åtgärd 1 i VAF" not in mail.outbox[1].body  # still listed, not new
    assert "Åtgärd 1 i VAF" in mail.outbox[1].body


def test_it_waits_for_the_digest_hour(personas, fake_kinds, vaf):
    deadline(personas["employee_vaf"].person, vaf, datetime.date(2026, 3, 12))
    with at(2026, 3, 10, 6, 45):
        reminders.run()
    assert mail.outbox == []
    with at(2026, 3, 10, 7, 0):
        reminders.run()
    assert len(mail.outbox) == 1


def test_legal_deadlines_are_sent_at_once_one_by_one_whatever_the_hour_and_preference(personas, fake_kinds, vaf):
    person = personas["employee_vaf"].person
    ReminderPreference.objects.create(person=person, kind=FAKE_LEGAL, frequency="off")  # ignored for legal
    clock = datetime.datetime(2026, 3, 11, 3, 0, tzinfo=TZ)
    deadline(person, vaf, clock.date(), kind=FAKE_LEGAL, n=1, due_at=clock)
    deadline(person, vaf, clock.date(), kind=FAKE_LEGAL, n=2, due_at=clock + datetime.timedelta(hours=48))
    deadline(person, vaf, datetime.date(2026, 3, 12), n=3)  # a digest item: not before 07:00

    def outbox():  # a legal deadline reaches the säkerhetsstrateg too (lis.compliance.deadlines)
        return [m for m in mail.outbox if m.to == ["employee_vaf@test.invalid"]]

    with at(2026, 3, 10, 2, 5):
        reminders.send_legal()
    assert len(outbox()) == 2
    assert all("lagstadgad tidsfrist" in m.subject for m in outbox())
    assert {m.subject.split("– ")[-1] for m in outbox()} == {"Åtgärd 1 i VAF", "Åtgärd 2 i VAF"}
    with at(2026, 3, 10, 2, 20):
        reminders.run()  # nothing new: not twice, and no digest before the hour
    assert len(outbox()) == 2
    with at(2026, 3, 10, 16, 0):  # 11 hours left: inside the pack's 12-hour warning window
        reminders.send_legal()
    assert len(outbox()) == 3
    with at(2026, 3, 11, 3, 1):  # passed
        reminders.send_legal()
    assert len(outbox()) == 4
    assert "har passerat" in outbox()[3].subject
    assert SentReminder.objects.filter(key__startswith=FAKE_LEGAL, person=person).count() == 4


def test_a_failed_send_is_recorded_retried_with_a_cap_and_reported(personas, fake_kinds, vaf, settings):
    person = personas["employee_vaf"].person
    deadline(person, vaf, datetime.date(2026, 3, 12))
    settings.EMAIL_BACKEND = FAILING
    for minute in (0, 15, 30):
        with at(2026, 3, 10, 8, minute):
            err = io.StringIO()
            call_command("reminders", stdout=io.StringIO(), stderr=err)
            assert "MISSLYCKADES" in err.getvalue() and "SMTPServerDisconnected" in err.getvalue()
    message = ReminderMessage.objects.get()
    assert (message.status, message.attempts) == ("failed", 3)
    told = SentReminder.objects.get()
    assert (told.status, told.attempts) == ("failed", 3)
    assert "Anslutningen stängdes" in told.last_error
    assert not ChangeLogEntry.objects.filter(event=reminders.EVENT_SENT).exists()  # nothing was sent
    # The strateg sees it on the start page and on Mina påminnelser.
    strategist = personas["strategist"].client()
    with at(2026, 3, 10, 8, 40):
        page = strategist.get(reverse("compliance:reminders")).content.decode()
        assert "E-post som inte kunde skickas" in page and "Anslutningen stängdes" in page
        assert "kunde inte skickas" in strategist.get(reverse("core:home")).content.decode()
    with at(2026, 3, 18, 9):  # reported for a week
        assert "Anslutningen stängdes" not in strategist.get(reverse("compliance:reminders")).content.decode()
    # The mail server is back: the next run sends it, once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with at(2026, 3, 10, 8, 45):
        reminders.run()
        reminders.run()
    assert len(mail.outbox) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 4)


def test_it_gives_up_after_the_pack_s_attempts(personas, fake_kinds, vaf, settings):
    deadline(personas["employee_vaf"].person, vaf, datetime.date(2026, 3, 12))
    settings.EMAIL_BACKEND = FAILING
    for minute in range(0, 60, 5):  # 12 runs, 5 attempts
        with at(2026, 3, 10, 9, minute):
            reminders.run()
    assert ReminderMessage.objects.get().attempts == 5
    err = io.StringIO()
    with at(2026, 3, 10, 10):
        call_command("reminders", stdout=io.StringIO(), stderr=err)
    assert "gett upp" in err.getvalue()


def test_a_person_without_an_address_is_reported_not_retried(personas, fake_kinds, vaf):
    person = personas["employee_vaf"].person
    type(person).objects.filter(pk=person.pk).update(email="")
    personas["employee_vaf"].user.__class__.objects.filter(pk=person.user_id).update(email="")
    deadline(person, vaf, datetime.date(2026, 3, 12))
    with at(2026, 3, 10, 8):
        report = reminders.run()
    assert mail.outbox == [] and len(report.failed) == 1
    message = ReminderMessage.objects.get()
    assert message.status == "failed" and "saknar e-postadress" in message.last_error
    assert message.attempts == 5


def test_preferences_turn_kinds_off_or_weekly(personas, fake_kinds, vaf):
    person = personas["employee_vaf"].person
    ReminderPreference.objects.create(person=person, kind=FAKE, frequency="off")
    ReminderPreference.objects.create(person=person, kind=FAKE_OTHER, frequency="weekly")
    deadline(person, vaf, datetime.date(2026, 3, 12), kind=FAKE, n=1)
    deadline(person, vaf, datetime.date(2026, 3, 20), kind=FAKE_OTHER, n=2)
    with at(2026, 3, 10, 8):  # a Tuesday
        reminders.run()
    assert mail.outbox == []
    with at(2026, 3, 16, 8):  # Monday: the pack's weekly day (the samordnare's summary goes too)
        reminders.run()
    mine = [m for m in mail.outbox if m.to == ["employee_vaf@test.invalid"]]
    assert len(mine) == 1
    assert "Åtgärd 2 i VAF" in mine[0].body and "Åtgärd 1 i VAF" not in mine[0].body


def test_weekly_flag_sends_the_weekly_kinds_now(personas, fake_kinds, vaf):
    person = personas["employee_vaf"].person
    ReminderPreference.objects.create(person=person, kind=FAKE, frequency="weekly")
    deadline(person, vaf, datetime.date(2026, 3, 12))
    with at(2026, 3, 10, 8):
        call_command("reminders", stdout=io.StringIO())
        assert mail.outbox == []
        call_command("reminders", "--weekly", stdout=io.StringIO())
    assert [m.to for m in mail.outbox if "veckosammanfattning" not in m.subject] == [["employee_vaf@test.invalid"]]
    assert {m.to[0] for m in mail.outbox if "veckosammanfattning" in m.subject} == {
        "coordinator_vaf@test.invalid",
        "strategist@test.invalid",
    }


def test_dry_run_for_a_person_prints_exactly_their_email_and_writes_nothing(personas, fake_kinds, vaf):
    person = personas["employee_vaf"].person
    deadline(person, vaf, datetime.date(2026, 3, 12))
    deadline(personas["hr"].person, vaf, datetime.date(2026, 3, 12), n=2)
    entries = ChangeLogEntry.objects.count()
    out = io.StringIO()
    with at(2026, 3, 10, 6):  # before the hour: shows what goes out at 07:00
        call_command("reminders", "--dry-run", "--for", "employee_vaf", stdout=out)
    text = out.getvalue()
    assert "Ämne: LIS: 1 ny påminnelse" in text and "Åtgärd 1 i VAF" in text and "Åtgärd 2" not in text
    assert mail.outbox == []
    assert ChangeLogEntry.objects.count() == entries
    for model in apps.get_app_config("compliance").get_models():
        assert model.objects.count() == 0, model
    # The same, by e-mail address, equals what the real run sends.
    out = io.StringIO()
    with at(2026, 3, 10, 8):
        call_command("reminders", "--dry-run", "--for", "employee_vaf@test.invalid", stdout=out)
        reminders.run()
    sent = next(m for m in mail.outbox if m.to == ["employee_vaf@test.invalid"])
    assert sent.body.strip() in out.getvalue()


def test_dry_run_for_an_unknown_person_says_so(personas, fake_kinds):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="ingen"):
        call_command("reminders", "--dry-run", "--for", "nobody", stdout=io.StringIO())


def test_the_email_follows_the_person_s_language(personas, fake_kinds, vaf):
    person = personas["employee_vaf"].person
    ReminderSettings.objects.create(person=person, language="en")
    deadline(person, vaf, datetime.date(2026, 3, 2))
    with at(2026, 3, 10, 8):
        reminders.run()
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    assert '<html lang="en">' in html
    # The same structure as in Swedish (the English wording comes with the lead's catalogue).
    assert "== Provfrister ==" in message.body and "2026-03-02" in message.body
    assert f"{settings.LIS_BASE_URL}/organisation/enheter/{vaf.pk}/" in message.body
    assert message.subject.startswith("LIS")
    # The language is restored for the rest of the process.
    from django.utils import translation

    assert translation.get_language() == "sv"


def test_each_sent_reminder_shows_on_the_object_s_historik(personas, fake_kinds, vaf):
    person = personas["employee_vaf"].person
    deadline(person, vaf, datetime.date(2026, 3, 12))
    with at(2026, 3, 10, 8):
        reminders.run()
    strategist = access.principal_for(personas["strategist"].user)
    _page, rows = history_for(strategist, [vaf])
    row = next(r for r in rows if r.entry.event == reminders.EVENT_SENT)
    assert row.action == "Påminnelse skickad"
    details = {change.label: change.new for change in row.changes}
    assert details["Till"] == str(person)
    assert details["Skede"] == "Förfaller snart"
    assert details["Tidsfrist"] == "2026-03-12"


def test_weekly_summary_goes_to_the_samordnare_for_their_unit_and_to_the_strateg(personas, fake_kinds, amal):
    vaf, buf = amal["units"]["VAF"], amal["units"]["BUF"]
    someone = personas["employee_vaf"].person
    deadline(someone, vaf, datetime.date(2026, 3, 1), n=1)
    deadline(someone, vaf, datetime.date(2026, 3, 20), n=2)
    deadline(someone, buf, datetime.date(2026, 3, 1), kind=FAKE_OTHER, n=3)
    deadline(someone, buf, datetime.date(2026, 3, 2), kind=FAKE_OTHER, n=4)
    with at(2026, 3, 16, 8):  # Monday
        reminders.run()
        reminders.run()
    summaries = {m.to[0]: m for m in mail.outbox if "veckosammanfattning" in m.subject}
    assert set(summaries) == {"coordinator_vaf@test.invalid", "strategist@test.invalid"}
    coordinator = summaries["coordinator_vaf@test.invalid"].body
    assert vaf.name in coordinator and buf.name not in coordinator
    strategist = summaries["strategist@test.invalid"].body
    assert strategist.index(buf.name) < strategist.index(vaf.name)  # two overdue before one
    assert "2 försenade" in strategist
    assert ReminderMessage.objects.filter(kind="summary").count() == 2
    with at(2026, 3, 17, 8):  # not the weekly day
        reminders.run()
    assert sum("veckosammanfattning" in m.subject for m in mail.outbox) == 2


def test_a_year_of_reminders_tells_each_stage_once_and_misses_none_across_summer_time(personas, fake_kinds, vaf):
    """Every day of 2026 at 02:30 (inside the summer-time gap in March, doubled in October) and
    07:10, plus every 15 minutes through both switch nights: each deadline is told once coming up,
    once on its day and once overdue, and nobody gets two digests a day."""
    people = [personas["employee_vaf"].person, personas["hr"].person]
    start = datetime.date(2026, 1, 1)
    made = []
    for index in range(0, 380, 9):
        made.append(deadline(people[index % 2], vaf, start + datetime.timedelta(days=index), n=index))
    # Deadlines on the switch days themselves.
    made.append(deadline(people[0], vaf, datetime.date(2026, 3, 29), n=1000))
    made.append(deadline(people[1], vaf, datetime.date(2026, 10, 25), n=1001))
    runs = []
    day = start
    while day <= datetime.date(2026, 12, 31):
        runs.append(datetime.datetime(day.year, day.month, day.day, 2, 30, tzinfo=TZ))
        runs.append(datetime.datetime(day.year, day.month, day.day, 7, 10, tzinfo=TZ))
        day += datetime.timedelta(days=1)
    for switch in (
        datetime.datetime(2026, 3, 28, 22, tzinfo=datetime.UTC),
        datetime.datetime(2026, 10, 24, 22, tzinfo=datetime.UTC),
    ):
        runs += [switch + datetime.timedelta(minutes=15 * i) for i in range(48)]
    for moment in sorted(runs, key=lambda m: m.astimezone(datetime.UTC)):
        with time_machine.travel(moment, tick=False):
            reminders.run()
    digests = ReminderMessage.objects.filter(kind="digest")
    assert digests.count() == len(set(digests.values_list("person_id", "period")))  # at most one a day
    assert digests.filter(status="sent").count() == digests.count() > 0
    assert digests.count() == sum(1 for m in mail.outbox if "påminnelse" in m.subject)
    address_owner = {p.email: f"{p.pk}" for p in people}
    mentions = Counter()
    for message in mail.outbox:
        if message.to[0] not in address_owner:
            continue
        for line in message.body.splitlines():
            if line.startswith("[NY] "):
                mentions[(address_owner[message.to[0]], line)] += 1
    told = SentReminder.objects.all()
    year_end = datetime.date(2026, 12, 31)
    for d in made:
        stages = set(told.filter(key=d.key).values_list("stage", flat=True))
        expected = set()
        if d.due - datetime.timedelta(days=14) <= year_end and d.due > start:
            expected.add("due_soon")
        if d.due <= year_end:
            expected |= {"due", "overdue"} if d.due < year_end else {"due"}
        assert stages == expected, (d.key, stages, expected)
        # Marked new in exactly one e-mail per stage: never twice, never missed.
        assert mentions[(f"{d.responsible_id}", f"[NY] {d.title}")] == len(expected), d.key
    assert told.filter(status="sent").count() == told.count()
    assert told.count() == len(set(told.values_list("key", "person_id", "stage")))


def test_the_pack_validates_the_reminders_table(tmp_path):
    pack_path = Path(settings.LIS_POLICY_PACK)
    for item in pack_path.parent.iterdir():
        if item.is_file():
            shutil.copy(item, tmp_path / item.name)
    copy = tmp_path / pack_path.name
    assert load_pack(copy).reminder_horizon_days == 14
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("horizon_days = 14", "horizon_days = 0"), encoding="utf-8")
    with pytest.raises(PackError, match="reminders.horizon_days"):
        load_pack(copy)
    copy.write_text(text.replace("period_notice_days = 180", "period_notice_days = 0"), encoding="utf-8")
    with pytest.raises(PackError, match="reminders.period_notice_days"):
        load_pack(copy)
    copy.write_text(text.replace("weekly_weekday = 1", 'weekly_weekday = "måndag"'), encoding="utf-8")
    with pytest.raises(PackError, match="reminders.weekly_weekday"):
        load_pack(copy)
    start, end = text.index("[reminders]"), text.index("[documents]")
    copy.write_text(text[:start] + text[end:], encoding="utf-8")
    assert load_pack(copy).reminder_max_attempts == 5  # the table is optional


# --- Mina påminnelser ------------------------------------------------------------------------------


def test_the_page_shows_what_is_due_for_me_and_saves_my_choices(personas, fake_kinds, vaf):
    me = personas["employee_vaf"]
    deadline(me.person, vaf, datetime.date(2026, 3, 12))
    deadline(personas["hr"].person, vaf, datetime.date(2026, 3, 12), n=2)
    client = me.client()
    with at(2026, 3, 10, 8):
        page = client.get(reverse("compliance:reminders")).content.decode()
        assert "Åtgärd 1 i VAF" in page and "Åtgärd 2 i VAF" not in page
        assert "Direkt (lagstadgad tidsfrist, kan inte stängas av)" in page
        assert 'name="kind_test.legal"' not in page
        response = client.post(
            reverse("compliance:reminders"),
            {f"kind_{FAKE}": "weekly", f"kind_{FAKE_OTHER}": "off", "kind_test.legal": "off", "language": "en"},
        )
    assert response.status_code == 302
    assert reminders.preferences_of(me.person) == {FAKE: "weekly", FAKE_OTHER: "off"}
    assert reminders.language_of(me.person) == "en"
    assert ChangeLogEntry.objects.filter(event="reminder_preferences_changed", object_id=str(me.person.pk)).exists()


def test_the_page_rejects_an_unknown_frequency_and_writes_nothing(personas, fake_kinds):
    client = personas["employee_vaf"].client()
    response = client.post(reverse("compliance:reminders"), {f"kind_{FAKE}": "hourly", f"kind_{FAKE_OTHER}": "daily"})
    assert response.status_code == 200
    assert "Formuläret innehåller fel" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_the_page_is_reached_from_the_user_menu_and_only_for_oneself(personas, fake_kinds, client):
    me = personas["employee_vaf"].client()
    home = me.get(reverse("core:home")).content.decode()
    assert reverse("compliance:reminders") in home
    # Choices are always one's own: there is no person in the address or the form.
    me.post(
        reverse("compliance:reminders"),
        {f"kind_{FAKE}": "off", f"kind_{FAKE_OTHER}": "daily", "person": personas["hr"].person.pk},
    )
    assert not ReminderPreference.objects.filter(person=personas["hr"].person).exists()
    # Only the strateg sees the failed sends.
    assert "E-post som inte kunde skickas" not in me.get(reverse("compliance:reminders")).content.decode()
    # Anonymous: to the login.
    assert client.get(reverse("compliance:reminders")).status_code == 302


def test_a_login_without_a_person_has_no_reminders_page(db, fake_kinds):
    from django.test import Client

    from lis.core.models import User

    user = User.objects.create_user(username="utan-person", password="ett-långt-testlösenord")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("compliance:reminders")).status_code == 404


def test_preferences_service_refuses_another_person(personas, fake_kinds):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        reminders.preferences_update(
            actor=personas["strategist"].user, person=personas["hr"].person, frequencies={FAKE: "off"}, language=""
        )


def test_computing_every_digest_takes_the_same_queries_for_ten_or_forty_people(personas, fake_kinds, vaf):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lis.organisation.models import Person

    municipality = vaf.municipality

    def people(count: int) -> None:
        for index in range(count):
            person = Person.objects.create(
                municipality=municipality, first_name="P", last_name=str(index), email=f"p{index}@test.invalid"
            )
            deadline(person, vaf, datetime.date(2026, 3, 12), n=index)
            deadline(person, vaf, datetime.date(2026, 3, 1), kind=FAKE_OTHER, n=index)
            if index % 3 == 0:
                ReminderPreference.objects.create(person=person, kind=FAKE_OTHER, frequency="weekly")

    def queries() -> int:
        cache.clear()
        with at(2026, 3, 10, 8), CaptureQueriesContext(connection) as captured:
            report = reminders.run(dry_run=True)
        assert report.planned
        return len(captured)

    people(10)
    ten = queries()
    people(30)
    assert queries() == ten


@pytest.mark.parametrize("key", sorted(PERSONA_SPECS))
def test_every_persona_gets_their_own_page_and_only_the_strateg_sees_failed_sends(personas, fake_kinds, vaf, key):
    persona = personas[key]
    deadline(personas["employee_vaf"].person, vaf, datetime.date(2026, 3, 12), n=1)
    deadline(persona.person, vaf, datetime.date(2026, 3, 13), n=2)
    with at(2026, 3, 10, 8):
        response = persona.client().get(reverse("compliance:reminders"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Åtgärd 2 i VAF" in page
    assert ("Åtgärd 1 i VAF" in page) == (key == "employee_vaf")
    assert ("E-post som inte kunde skickas" in page) == (key == "strategist")
