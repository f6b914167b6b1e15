"""The council's compliance rules (POL-3.5, POL-3.26, POL-3.31), across a year boundary."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lis.core import access
from lis.core.rules import registered_rules
from lis.council import rules, selectors, services
from lis.organisation.models import Role

from .test_services import at, sua_values


def travel(day: datetime.date, hour: int = 12):
    return time_machine.travel(at(day, hour), tick=False)


def meeting(c, day: datetime.date, *, hold: bool = True):
    """Plan a meeting (before it) and, with `hold`, record its attendance after it."""
    with travel(day - datetime.timedelta(days=10)):
        m = services.meeting_create(actor=c["strategist"].user, starts_at=at(day), ends_at=at(day, 15))
        services.agenda_item_add(actor=c["strategist"].user, meeting=m, title="Policyn")
    if hold:
        with travel(day, 16):
            services.attendance_record(
                actor=c["strategist"].user,
                meeting=m,
                rows=[(c["it_manager"].person, Role.COUNCIL_CHAIR, None, "present")],
            )
            services.adjuster_appoint(actor=c["strategist"].user, meeting=m, person=c["representative_tff"].person)
    m.refresh_from_db()
    return m


def justera(c, m, day: datetime.date):
    with travel(day):
        sha = selectors.content_sha256(m)
        services.minutes_sign(actor=c["it_manager"].user, meeting=m, content_sha256=sha)
        return services.minutes_sign(actor=c["representative_tff"].user, meeting=m, content_sha256=sha)


def messages(function) -> list[str]:
    return [finding.message for finding in function()]


def year_messages() -> list[str]:
    return [m for m in messages(rules.council_meets) if "policyn kräver" in m]


def test_the_rules_are_registered_under_their_requirements(db):
    registered = registered_rules()
    assert {"POL-3.5", "POL-3.26", "POL-3.31"} <= set(registered)


def test_a_year_that_can_no_longer_reach_the_minimum_is_flagged_at_once_and_stays_flagged(personas):
    c = personas
    for day in (datetime.date(2026, 2, 11), datetime.date(2026, 5, 6), datetime.date(2026, 9, 16)):
        meeting(c, day)
    with travel(datetime.date(2026, 10, 1)):
        future = services.meeting_create(
            actor=c["strategist"].user,
            starts_at=at(datetime.date(2026, 11, 25)),
            ends_at=at(datetime.date(2026, 11, 25), 15),
        )
        assert not any("2026" in m for m in year_messages())  # 3 held + 1 planned
        services.meeting_cancel(actor=c["strategist"].user, meeting=future)
        assert any("hållit 3 och planerat 0 möten 2026" in m for m in messages(rules.council_meets))
    with travel(datetime.date(2026, 12, 31)):
        assert any("hållit 3 och planerat 0 möten 2026" in m for m in messages(rules.council_meets))
    with travel(datetime.date(2027, 1, 2)):
        found = messages(rules.council_meets)
        assert any("höll 3 möten 2026" in m for m in found)
        assert any("hållit 0 och planerat 0 möten 2027" in m for m in found)


def test_a_planned_meeting_that_passes_without_being_held_stops_counting(personas):
    c = personas
    with travel(datetime.date(2027, 1, 5)):
        for month in (3, 6, 9, 11):
            day = datetime.date(2027, month, 10)
            services.meeting_create(actor=c["strategist"].user, starts_at=at(day), ends_at=at(day, 15))
        assert not any("2027" in m for m in year_messages())
    with travel(datetime.date(2027, 3, 20)):
        assert any("hållit 0 och planerat 3 möten 2027" in m for m in messages(rules.council_meets))


def test_a_year_before_the_first_meeting_is_not_judged_and_a_full_year_is_not_flagged(personas):
    c = personas
    for month in (2, 4, 9, 11):
        meeting(c, datetime.date(2025, month, 12))
    with travel(datetime.date(2026, 1, 2)):
        found = year_messages()
        assert not any("2025" in m or "2024" in m for m in found)
        assert any("2026" in m for m in found)


def test_minutes_not_justerade_30_days_after_the_meeting_and_minutes_without_diarienummer_are_flagged(personas):
    c = personas
    m = meeting(c, datetime.date(2026, 9, 16))
    with travel(datetime.date(2026, 10, 15)):
        assert not any("inte justerade" in msg for msg in messages(rules.council_meets))
    with travel(datetime.date(2026, 10, 17)):
        found = [f for f in rules.council_meets() if "inte justerade" in f.message]
        assert len(found) == 1 and "2026-09-16" in found[0].message
        assert found[0].link.endswith(f"/mote/{m.pk}/")
    minutes = justera(c, m, datetime.date(2026, 10, 20))
    with travel(datetime.date(2026, 10, 21)):
        found = messages(rules.council_meets)
        assert not any("inte justerade" in msg for msg in found)
        assert any("inte diarieförda" in msg for msg in found)
        services.minutes_register(actor=c["strategist"].user, minutes=minutes, diary_number="2026-00200")
        assert not any("diarieförda" in msg for msg in messages(rules.council_meets))


def test_external_systems_without_current_sua_or_not_raised_are_flagged(personas, make_system):
    c = personas
    with travel(datetime.date(2026, 3, 1)):
        missing = make_system(name="Saknas")
        internal = make_system(name="Eget", operating_model="on_premises")
        changed = make_system(name="Bytt", operating_model="vendor_hosted")
        done = make_system(name="Klart")
        services.sua_create(actor=c["strategist"].user, system=changed, **sua_values(c))
        from lis.systems import services as system_services

        system_services.system_update(actor=None, system=changed, operating_model="saas")
        assessment = services.sua_create(actor=c["strategist"].user, system=done, **sua_values(c))
        found = {f.message: f for f in rules.sua_assessed()}
        assert any("Saknas (Molntjänst (SaaS)) saknar SUA-bedömning" in m for m in found)
        assert any("Bytt har bytt driftsform" in m for m in found)
        assert any("SUA-bedömningen av Klart är inte tagen upp" in m for m in found)
        assert not any("Eget" in m for m in found)
        first = next(f for m, f in found.items() if "Saknas" in m)
        assert first.unit == missing.unit and first.link.endswith(f"?system={missing.pk}")
        assert first.may_follow(access.principal_for(c["coordinator_vaf"].user))
        assert not first.may_follow(access.principal_for(c["employee_vaf"].user))
        m = services.meeting_create(
            actor=c["strategist"].user,
            starts_at=at(datetime.date(2026, 3, 10)),
            ends_at=at(datetime.date(2026, 3, 10), 15),
        )
        services.sua_raise(actor=c["strategist"].user, assessment=assessment, meeting=m)
        assert not any("Klart" in f.message for f in rules.sua_assessed())
        assert internal.pk


def test_advice_not_followed_up_by_its_date_is_flagged_and_a_secret_item_does_not_show_it(personas, amal):
    c = personas
    m = meeting(c, datetime.date(2026, 5, 6))
    with travel(datetime.date(2026, 5, 7)):
        item = m.agenda_items.get()
        open_one = services.advice_create(
            actor=c["it_manager"].user,
            item=item,
            text="Rensa konton utan ägare.",
            follow_up_by=c["coordinator_vaf"].person,
            follow_up_on=datetime.date(2026, 10, 31),
            unit=amal["units"]["VAF"],
        )
    with travel(datetime.date(2026, 10, 31)):
        assert rules.advice_followed_up() == []
    with travel(datetime.date(2026, 11, 1)):
        [finding] = rules.advice_followed_up()
        assert "Rensa konton" in finding.message and finding.unit == amal["units"]["VAF"]
        assert finding.link.endswith(f"/rad/{open_one.pk}/uppfoljning/")
        services.agenda_item_update(
            actor=c["it_manager"].user, item=item, secret=True, secrecy_provision="OSL 18 kap. 8 §"
        )
        [finding] = rules.advice_followed_up()
        assert "Rensa konton" not in finding.message and "sekretess" in finding.message
        services.advice_follow_up(
            actor=c["coordinator_vaf"].user, advice=open_one, followed_up_on=datetime.date(2026, 11, 1), note="Klart"
        )
        assert rules.advice_followed_up() == []


@pytest.mark.parametrize("rule", [rules.council_meets, rules.sua_assessed, rules.advice_followed_up])
def test_each_rule_uses_the_same_number_of_queries_whatever_the_amount_of_data(personas, make_system, amal, rule):
    c = personas

    def count() -> int:
        with travel(datetime.date(2026, 12, 1)), CaptureQueriesContext(connection) as queries:
            rule()
        return len(queries)

    m = meeting(c, datetime.date(2026, 5, 6))
    with travel(datetime.date(2026, 5, 7)):
        make_system(name="A")
        services.advice_create(
            actor=c["it_manager"].user,
            item=m.agenda_items.get(),
            text="Råd 1",
            follow_up_by=c["coordinator_vaf"].person,
            follow_up_on=datetime.date(2026, 6, 1),
            unit=amal["units"]["VAF"],
        )
    small = count()
    for index, day in enumerate((datetime.date(2026, 6, 3), datetime.date(2026, 8, 19), datetime.date(2026, 9, 9))):
        extra = meeting(c, day)
        with travel(day + datetime.timedelta(days=1)):
            make_system(name=f"B{index}", unit="TFF")
            services.advice_create(
                actor=c["it_manager"].user,
                item=extra.agenda_items.get(),
                text=f"Råd {index}",
                follow_up_by=c["coordinator_vaf"].person,
                follow_up_on=day + datetime.timedelta(days=5),
                unit=amal["units"]["TFF"],
            )
    assert count() == small
