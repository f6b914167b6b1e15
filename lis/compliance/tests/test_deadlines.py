"""One register of what is due (issue 15, lis.core.deadlines): each app's kinds collect their open
dated obligations and nothing done or closed; lis.compliance.deadlines says whose each one is
(the responsible person, else the unit's samordnare or the nearest one above, else the
säkerhetsstrateg; nobody who has left) in a fixed number of queries, cached until the data
changes; and the start page shows the signed-in person their own, once."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.compliance import deadlines as due
from lis.conftest import make_persona
from lis.core import deadlines
from lis.core.deadlines import Deadline, DeadlineKind
from lis.organisation import services as organisation_services
from lis.organisation.models import Role
from lis.risks import services as risk_services
from lis.staff import services as staff_services
from lis.systems import services as system_services
from lis.systems.models import InformationSystem
from lis.training import services as training_services

NOW = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
D = datetime.timedelta(days=1)
HORIZON = TODAY + 14 * D


@pytest.fixture(autouse=True)
def clock():
    cache.clear()
    due.forget()
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller
    cache.clear()
    due.forget()


@pytest.fixture
def analysis(amal):
    return risk_services.analysis_start(actor=None, unit=amal["units"]["VAF"], started_on=datetime.date(2026, 3, 1))


def measure(analysis, title, *, due_on, status="in_progress", responsible=None):
    return risk_services.measure_save(
        actor=None,
        analysis=analysis,
        risks=[],
        title=title,
        kind="technical",
        aspects=["T"],
        status=status,
        due_on=due_on,
        responsible=responsible,
    )


def collected(key: str, until: datetime.date = HORIZON) -> list[Deadline]:
    return list(deadlines.collect(until, only=[key]))


def titles(found) -> list[str]:
    return [deadline.title for deadline in found]


def lines(html: str) -> list[str]:
    worklist = html.split('id="worklist-heading"')[1].split("</section>")[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", "<li" + item)).strip() for item in worklist.split("<li")[1:]]


# --- each kind collects what is due, and nothing done ------------------------------------------


def test_measures_are_due_when_open_and_dated_and_not_once_done_or_cancelled(personas, analysis):
    person = personas["employee_vaf"].person
    late = measure(analysis, "Försenad", due_on=TODAY - 1 * D, responsible=person)
    measure(analysis, "Snart", due_on=TODAY + 10 * D, status="not_started")
    measure(analysis, "Senare", due_on=TODAY + 60 * D)
    measure(analysis, "Odaterad", due_on=None)
    measure(analysis, "Avbruten", due_on=TODAY - 5 * D, status="cancelled")
    found = collected("risks.measure")
    assert titles(found) == ["Åtgärd: Försenad", "Åtgärd: Snart"]
    first = found[0]
    assert (first.due, first.responsible_id, first.unit_id) == (TODAY - 1 * D, person.pk, analysis.unit_id)
    assert (first.object_type, first.object_id) == ("risks.measure", str(late.pk))
    assert first.url == reverse("risks:measure_status", args=[late.pk])
    assert first.key == f"risks.measure:{late.pk}:{(TODAY - 1 * D).isoformat()}"
    assert titles(collected("risks.measure", TODAY + 60 * D))[-1] == "Åtgärd: Senare"


def test_each_forvaltning_owes_an_analysis_and_a_decided_followed_up_plan_by_the_period_s_end(amal, analysis):
    # The nämnder's mandatperiod 2023–2026 ends on 31 December: within the half-year's notice.
    found = {deadline.unit_id: deadline for deadline in collected("risks.analysis")}
    vaf, buf = amal["units"]["VAF"], amal["units"]["BUF"]
    assert found[buf.pk].due == datetime.date(2026, 12, 31) and found[buf.pk].unit_id == buf.pk
    assert found[buf.pk].responsible_id is None  # the unit's samordnare or the strateg answers
    assert found[buf.pk].url == reverse("risks:analysis_list")
    assert found[vaf.pk].url == reverse("risks:analysis_detail", args=[analysis.pk])  # started, not reported
    plans = {deadline.unit_id: deadline for deadline in collected("plans.action_plan")}
    assert set(plans) == set(found) and plans[vaf.pk].due == datetime.date(2026, 12, 31)
    assert collected("plans.follow_up") == []  # nothing decided, nothing to follow up yet
    # Early in a period nothing is due yet.
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert collected("risks.analysis", datetime.date(2027, 3, 15)) == []
        assert collected("plans.action_plan", datetime.date(2027, 3, 15)) == []


def test_agreements_are_told_from_the_notice_window_or_their_own_notice_and_not_once_ended(make_system, vendor):
    system = make_system(name="Ekonomisystemet")
    soon = system_services.agreement_create(actor=None, system=system, counterparty=vendor, ends_on=TODAY + 100 * D)
    system_services.agreement_create(actor=None, system=system, counterparty=vendor, ends_on=TODAY + 300 * D)
    long_notice = system_services.agreement_create(
        actor=None, system=system, counterparty=vendor, ends_on=TODAY + 300 * D, notice_months=12
    )
    system_services.agreement_create(actor=None, system=system, counterparty=vendor, ends_on=TODAY - 1 * D)
    found = collected("systems.agreement", TODAY)
    assert [deadline.key.split(":")[1] for deadline in found] == [str(soon.pk), str(long_notice.pk)]
    assert found[0].due == TODAY + 100 * D and found[0].notice_from == TODAY + 100 * D - 180 * D
    assert found[0].title == "Avtalet med Leverantören AB för Ekonomisystemet löper ut"
    assert (found[0].object_type, found[0].object_id) == ("systems.informationsystem", str(system.pk))
    InformationSystem.objects.filter(pk=system.pk).update(status=InformationSystem.Status.DECOMMISSIONED)
    assert collected("systems.agreement", TODAY) == []


def test_awareness_training_is_due_within_the_pack_s_window_or_when_expired_and_never_without_a_date(personas, amal):
    course = training_services.course_create(actor=None, name="Informationssäkerhet", code="IS", kind="awareness")
    hr = personas["hr"].user
    expiring = personas["employee_vaf"].person
    expired = personas["coordinator_vaf"].person
    valid = personas["unit_head_buf"].person
    for person, completed in ((expiring, "2024-12-20"), (expired, "2024-06-01"), (valid, "2026-06-01")):
        training_services.completion_register(
            actor=hr, person=person, course=course, completed_on=datetime.date.fromisoformat(completed)
        )
    found = {deadline.responsible_id: deadline for deadline in collected("training.awareness", TODAY)}
    assert set(found) == {expiring.pk, expired.pk}  # not the valid one, nor those who never took it
    assert found[expiring.pk].due == datetime.date(2026, 12, 20)
    assert found[expired.pk].due == datetime.date(2026, 6, 1)
    assert found[expiring.pk].url == reverse("training:mine")


def test_granted_exceptions_are_due_for_review_and_not_once_ended(amal, personas):
    chef = make_persona(amal, "chef_vaf", unit="VAF", roles=[(Role.UNIT_HEAD, "VAF", None)])
    holder = personas["employee_vaf"]
    exception = staff_services.exception_request(
        actor=holder.user, source="Forumet", reason="Behövs.", requested_until=TODAY + 20 * D
    )
    staff_services.exception_grant(
        actor=chef.user, exception=exception, decision_reason="Ja.", valid_until=TODAY + 20 * D, diary_number=""
    )
    [found] = collected("staff.exception", TODAY)
    assert (found.responsible_id, found.also_ids, found.due) == (chef.person.pk, (holder.person.pk,), TODAY + 20 * D)
    exception.refresh_from_db()
    staff_services.exception_end(actor=chef.user, exception=exception, end_reason="Klart.")
    assert collected("staff.exception", TODAY) == []


def test_legal_clocks_are_due_at_their_exact_moment_until_the_report_is_sent(personas, amal):
    from lis.incidents import services as incident_services

    strategist = personas["strategist"]
    incident = incident_services.incident_report(
        actor=personas["employee_vaf"].user,
        description="Känsliga uppgifter skickades till fel mottagare.",
        noticed_at=NOW - datetime.timedelta(hours=2),
        personal_data="yes",
    )
    clock = incident_services.clock_answer(actor=strategist.user, incident=incident, key="gdpr", triggered=True)
    [found] = collected("incidents.clock", TODAY + 3 * D)
    assert found.legal and deadlines.kind("incidents.clock").legal
    assert found.due_at == NOW - datetime.timedelta(hours=2) + datetime.timedelta(hours=72)
    assert found.due == datetime.date(2026, 12, 4)
    assert strategist.person.pk in found.also_ids
    assert found.url == reverse("incidents:incident_detail", args=[incident.pk])
    incident_services.report_record(
        actor=strategist.user, clock=clock, deadline="notification", sent_at=NOW, channel="e-tjänst"
    )
    assert collected("incidents.clock", TODAY + 3 * D) == []


def test_planned_meetings_are_appointments_for_the_chair_and_every_member(personas):
    from lis.council import services as council_services

    chair = personas["it_manager"]
    starts = NOW + 3 * D
    meeting = council_services.meeting_create(
        actor=chair.user, starts_at=starts, ends_at=starts + 2 * datetime.timedelta(hours=1)
    )
    cancelled = council_services.meeting_create(
        actor=chair.user, starts_at=starts + 1 * D, ends_at=starts + 1 * D + datetime.timedelta(hours=1)
    )
    council_services.meeting_cancel(actor=chair.user, meeting=cancelled)
    [found] = collected("council.meeting")
    assert deadlines.kind("council.meeting").appointment
    assert (found.object_id, found.due_at, found.responsible_id) == (str(meeting.pk), starts, chair.person.pk)
    assert personas["representative_tff"].person.pk in found.also_ids


# --- whose each deadline is --------------------------------------------------------------------


def test_a_deadline_without_a_responsible_person_falls_to_the_nearest_samordnare_else_the_strateg(
    personas, amal, analysis
):
    enhet = organisation_services.unit_create(
        actor=None, name="Enheten under VAF", short_name="VAFE", kind="unit", parent=amal["units"]["VAF"]
    )
    named = measure(analysis, "Namngiven", due_on=TODAY, responsible=personas["employee_vaf"].person)
    unnamed = measure(analysis, "Utan ansvarig", due_on=TODAY)
    buf = risk_services.analysis_start(actor=None, unit=amal["units"]["BUF"], started_on=datetime.date(2026, 3, 1))
    measure(buf, "I BUF utan ansvarig", due_on=TODAY)
    extra = Deadline(kind="risks.measure", key="x:1", title="I enheten", due=TODAY, url="/", unit_id=enhet.pk)
    found = due.resolve([*collected("risks.measure"), extra], today=TODAY)
    mine = titles(found[personas["employee_vaf"].person.pk])
    assert mine == [f"Åtgärd: {named.title}"]
    assert titles(found[personas["coordinator_vaf"].person.pk]) == [f"Åtgärd: {unnamed.title}", "I enheten"]
    assert titles(found[personas["strategist"].person.pk]) == ["Åtgärd: I BUF utan ansvarig"]


def test_nobody_who_has_left_is_told_and_their_deadlines_fall_to_the_samordnare(personas, amal, analysis):
    leaver = personas["employee_vaf"].person
    holder = make_persona(amal, "holder", unit="VAF", roles=[]).person
    measure(analysis, "Lämnad", due_on=TODAY, responsible=leaver)
    told = Deadline(
        kind="staff.exception", key="x:2", title="Med innehavare", due=TODAY, url="/", also_ids=(leaver.pk, holder.pk)
    )
    organisation_services.person_end(actor=None, person=leaver, ended_on=TODAY)
    found = due.resolve([*collected("risks.measure"), told], today=TODAY)
    assert leaver.pk not in found
    assert titles(found[personas["coordinator_vaf"].person.pk]) == ["Åtgärd: Lämnad"]
    assert titles(found[holder.pk]) == ["Med innehavare"]
    # A samordnare who has left is skipped too: the strateg answers.
    organisation_services.person_end(actor=None, person=personas["coordinator_vaf"].person, ended_on=TODAY)
    found = due.resolve(collected("risks.measure"), today=TODAY)
    assert titles(found[personas["strategist"].person.pk]) == ["Åtgärd: Lämnad"]


def test_a_legal_deadline_always_reaches_the_strateg_too(personas):
    legal = Deadline(
        kind="incidents.clock",
        key="x:3",
        title="Anmälan",
        due=TODAY,
        url="/",
        responsible_id=personas["employee_vaf"].person.pk,
        legal=True,
    )
    found = due.resolve([legal], today=TODAY)
    assert set(found) == {personas["employee_vaf"].person.pk, personas["strategist"].person.pk}


# --- queries and the cache ---------------------------------------------------------------------


def _fill(amal, personas, analysis, make_system, vendor, count: int, offset: int) -> None:
    hr = personas["hr"].user
    chef = personas["unit_head_buf"]
    for index in range(offset, offset + count):
        measure(analysis, f"Åtgärd {index}", due_on=TODAY + (index % 20 - 5) * D)
        measure(analysis, f"Ansvarig {index}", due_on=TODAY + (index % 10) * D, responsible=personas["hr"].person)
        system = make_system(name=f"System {index}")
        system_services.agreement_create(actor=None, system=system, counterparty=vendor, ends_on=TODAY + 30 * D)
        person = make_persona(amal, f"anstalld_{index}", unit="BUF", roles=[])
        exception = staff_services.exception_request(
            actor=person.user, source=f"Källa {index}", reason="Behövs.", requested_until=TODAY + 10 * D
        )
        staff_services.exception_grant(
            actor=chef.user, exception=exception, decision_reason="Ja.", valid_until=TODAY + 10 * D, diary_number=""
        )
        staff_services.remote_work_create(
            actor=hr, person=person.person, agreed_on=TODAY - 300 * D, review_on=TODAY + (index % 5) * D
        )


def _queries(until) -> tuple[int, dict]:
    cache.clear()
    due.forget()
    with CaptureQueriesContext(connection) as captured:
        found = due.recipients(until)
    return len(captured.captured_queries), found


def test_whose_deadlines_are_whose_is_found_in_the_same_number_of_queries_for_5_and_30_objects(
    amal, personas, analysis, make_system, vendor
):
    course = training_services.course_create(actor=None, name="Informationssäkerhet", code="IS", kind="awareness")
    training_services.completion_register(
        actor=personas["strategist"].user,
        person=personas["hr"].person,
        course=course,
        completed_on=datetime.date(2024, 12, 1),
    )
    _fill(amal, personas, analysis, make_system, vendor, 5, 0)
    few, found = _queries(HORIZON)
    kinds = {deadline.kind for items in found.values() for deadline in items}
    assert {"risks.measure", "systems.agreement", "staff.exception", "staff.remote_work", "training.awareness"} <= kinds
    _fill(amal, personas, analysis, make_system, vendor, 25, 5)
    many, found = _queries(HORIZON)
    assert many == few
    assert len([d for d in found[personas["unit_head_buf"].person.pk] if d.kind == "staff.exception"]) == 30


def test_it_is_kept_until_the_data_changes_or_the_day_turns(personas, analysis, clock):
    person = personas["employee_vaf"].person
    measure(analysis, "Första", due_on=TODAY, responsible=person)
    assert titles(due.deadlines_for(person, HORIZON)) == ["Åtgärd: Första"]
    with CaptureQueriesContext(connection) as captured:
        assert titles(due.deadlines_for(person, HORIZON)) == ["Åtgärd: Första"]
    assert len(captured.captured_queries) == 1  # the change log's head, nothing else
    measure(analysis, "Andra", due_on=TODAY + 1 * D, responsible=person)
    assert titles(due.deadlines_for(person, HORIZON)) == ["Åtgärd: Första", "Åtgärd: Andra"]
    # A sign-in is no change of what is due; the next day is a new day.
    personas["employee_vaf"].client().get(reverse("core:home"))
    with CaptureQueriesContext(connection) as captured:
        due.deadlines_for(person, HORIZON)
    assert len(captured.captured_queries) == 1
    clock.shift(1 * D)
    with CaptureQueriesContext(connection) as captured:
        due.deadlines_for(person, HORIZON)
    assert len(captured.captured_queries) > 1


def test_an_event_that_closes_an_obligation_is_seen_at_once(personas, make_system):
    # Planned work notified is recorded as an event, not an update (lis.operations.services).
    from lis.operations import services as operations_services

    it = personas["it_manager"]
    notice = operations_services.notice_plan(
        actor=it.user,
        kind="maintenance",
        title="Byte av server",
        impact="Stängt.",
        systems=[make_system(responsible_manager=personas["employee_vaf"].person)],
        starts_at=NOW + 8 * D,
    )
    assert [d.object_id for d in due.deadlines_for(it.person, HORIZON) if d.kind == "operations.notice"] == [
        str(notice.pk)
    ]
    operations_services.notice_notify(actor=it.user, notice=notice)
    assert not [d for d in due.deadlines_for(it.person, HORIZON) if d.kind == "operations.notice"]


def test_a_kind_is_registered_once(monkeypatch):
    monkeypatch.setattr(deadlines, "_KINDS", dict(deadlines._KINDS))
    kind = DeadlineKind("test.kind", "Test", collect=lambda until: [])
    deadlines.register_deadline_kind(kind)
    deadlines.register_deadline_kind(kind)  # the same again is harmless
    with pytest.raises(ValueError, match="test.kind"):
        deadlines.register_deadline_kind(DeadlineKind("test.kind", "Annat", collect=lambda until: []))


# --- the start page ------------------------------------------------------------------------------


def test_the_start_page_shows_the_person_s_own_deadlines_once_overdue_first(personas, analysis, make_system, vendor):
    person = personas["employee_vaf"].person
    late = measure(analysis, "Säkerhetskopior offline", due_on=TODAY - 1 * D, responsible=person)
    measure(analysis, "Kryptera diskar", due_on=TODAY + 3 * D, responsible=person)
    measure(analysis, "Byt lösenord", due_on=TODAY + 5 * D, responsible=person)
    measure(analysis, "Långt fram", due_on=TODAY + 40 * D, responsible=person)
    system = make_system(name="Ekonomisystemet", responsible_manager=person)
    system_services.agreement_create(actor=None, system=system, counterparty=vendor, ends_on=TODAY + 100 * D)
    page = personas["employee_vaf"].client().get(reverse("core:home")).content.decode()
    found = lines(page)
    assert found[0] == "Försenat Åtgärd: Säkerhetskopior offline – 2026-11-30"
    assert "Snart Åtgärder: 2 ska vara klara snart, den första 2026-12-04." in found
    # Told from the pack's notice window, though beyond the start page's fortnight.
    assert any(
        line.startswith("Snart Avtalet med Leverantören AB för Ekonomisystemet löper ut – 2027-03-11") for line in found
    )
    assert not any("Långt fram" in line for line in found)
    assert f'href="{reverse("risks:measure_status", args=[late.pk])}"' in page
    # Not twice: the risks app no longer says "åtgärd som du ansvarar för" beside the deadline.
    assert page.count("Säkerhetskopior offline") == 1 and "som du ansvarar för" not in page
    assert len(found) == len(set(found))
    # The samordnare answers for none of these (each has a responsible person).
    coordinator = lines(personas["coordinator_vaf"].client().get(reverse("core:home")).content.decode())
    assert not any(line.startswith(("Försenat Åtgärd", "Snart Åtgärd")) for line in coordinator)


def test_the_start_page_s_queries_do_not_grow_with_the_person_s_deadlines(
    personas, analysis, django_assert_max_num_queries
):
    person = personas["employee_vaf"].person
    client = personas["employee_vaf"].client()
    counts = []
    for count in (5, 30):
        for index in range(count):
            measure(analysis, f"Åtgärd {count}-{index}", due_on=TODAY + (index % 20 - 5) * D, responsible=person)
        client.get(reverse("core:home"))  # the resolution is computed once per change of data
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("core:home")).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


# --- where a deadline stands: one answer for the start page and the reminders -----------------


def _deadline(**fields) -> Deadline:
    return Deadline(**{"kind": "risks.measure", "key": "k", "title": "t", "due": TODAY, "url": "/"} | fields)


def test_a_deadline_is_coming_within_the_horizon_due_on_its_day_and_overdue_the_day_after():
    at = NOW
    assert deadlines.stage_of(_deadline(due=TODAY + 15 * D), at, 14) is None
    assert deadlines.stage_of(_deadline(due=TODAY + 14 * D), at, 14) == deadlines.DUE_SOON
    assert deadlines.stage_of(_deadline(due=TODAY + 15 * D, notice_from=TODAY), at, 14) == deadlines.DUE_SOON
    assert deadlines.stage_of(_deadline(due=TODAY), at, 14) == deadlines.DUE
    assert deadlines.stage_of(_deadline(due=TODAY - D), at, 14) == deadlines.OVERDUE


def test_a_timed_deadline_is_late_from_its_minute_and_a_meeting_is_gone_once_it_has_begun():
    soon, past = NOW + datetime.timedelta(minutes=1), NOW - datetime.timedelta(minutes=1)
    assert deadlines.stage_of(_deadline(due_at=soon), NOW, 14) == deadlines.DUE
    assert deadlines.stage_of(_deadline(due_at=past), NOW, 14) == deadlines.OVERDUE
    meeting = {"kind": "council.meeting"}
    assert deadlines.is_appointment(_deadline(**meeting))
    assert deadlines.stage_of(_deadline(due_at=soon, **meeting), NOW, 14) == deadlines.DUE
    assert deadlines.stage_of(_deadline(due_at=past, **meeting), NOW, 14) is None


def test_an_obligation_that_has_lapsed_is_no_longer_asked_for():
    # Planned work that has begun without being notified: too late to notify.
    starts = NOW + datetime.timedelta(hours=2)
    work = _deadline(kind="operations.notice", due=TODAY - 5 * D, lapses_at=starts)
    assert deadlines.stage_of(work, NOW, 14) == deadlines.OVERDUE
    assert deadlines.stage_of(work, starts, 14) is None


def test_the_start_page_and_the_digest_look_as_far_ahead_as_the_pack_says(personas, analysis, settings, tmp_path):
    from lis.compliance import reminders
    from lis.core.pack import get_pack

    person = personas["employee_vaf"].person
    measure(analysis, "Om tjugo dagar", due_on=TODAY + 20 * D, responsible=person)
    client = personas["employee_vaf"].client()
    assert not any("Om tjugo dagar" in line for line in lines(client.get(reverse("core:home")).content.decode()))
    pack = Path(settings.LIS_POLICY_PACK)
    for item in pack.parent.iterdir():
        if item.is_file():
            shutil.copy(item, tmp_path / item.name)
    wider = tmp_path / pack.name
    wider.write_text(pack.read_text(encoding="utf-8").replace("horizon_days = 14", "horizon_days = 21"), "utf-8")
    settings.LIS_POLICY_PACK = str(wider)
    assert get_pack().reminder_horizon_days == 21
    cache.clear()
    due.forget()
    assert any("Om tjugo dagar" in line for line in lines(client.get(reverse("core:home")).content.decode()))
    listed = [item.deadline.title for _kind, items in reminders.due_for(person) for item in items]
    assert any("Om tjugo dagar" in title for title in listed)
