"""The council's demo data: what the issue asks for, loaded twice without duplicates."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from lis.council import rules, selectors
from lis.council.demo import load_council_demo
from lis.council.models import Advice, AgendaItem, Meeting, Minutes, SuaAssessment

from .test_services import at


@pytest.fixture
def demo(db):
    from lis.organisation.demo import load_demo
    from lis.systems.demo import load_systems_demo

    with time_machine.travel(at(datetime.date(2026, 12, 1), 10), tick=False):
        load_demo(generic_people=5)
        load_systems_demo()
        first = load_council_demo()
        counts = (
            Meeting.objects.count(),
            AgendaItem.objects.count(),
            Minutes.objects.count(),
            Advice.objects.count(),
            SuaAssessment.objects.count(),
        )
        load_council_demo()
        yield {"first": first, "counts": counts}


def test_loading_the_demo_twice_adds_nothing_the_second_time(demo):
    assert demo["counts"] == (
        Meeting.objects.count(),
        AgendaItem.objects.count(),
        Minutes.objects.count(),
        Advice.objects.count(),
        SuaAssessment.objects.count(),
    )
    assert demo["first"] and "påhittade" in demo["first"][0]


def test_the_demo_has_2025_justerat_and_registered_and_2026_flagged(demo):
    y2025, y2026 = selectors.year_plan(2025), selectors.year_plan(2026)
    assert len(y2025) == 4 and all(m.status == Meeting.Status.HELD for m in y2025)
    assert all(m.minutes.diary_number for m in y2025)
    assert len(y2026) == 3 and all(m.status == Meeting.Status.HELD for m in y2026)
    assert sum(not Minutes.objects.filter(meeting=m).exists() for m in y2026) == 1
    assert all(m.starts_at < at(datetime.date(2026, 12, 1)) for m in [*y2025, *y2026])
    with time_machine.travel(at(datetime.date(2026, 12, 1), 10), tick=False):
        found = [f.message for f in rules.council_meets()]
        assert any("hållit 3 och planerat 0 möten 2026" in m for m in found)
        assert not any("2025" in m and "policyn kräver" in m for m in found)
        assert any("skulle ha följts upp" in f.message for f in rules.advice_followed_up())


def test_the_demo_has_sua_with_one_missing_advice_open_and_followed_up_and_a_secret_item(demo):
    missing = [f for f in rules.sua_assessed() if "saknar SUA-bedömning" in f.message]
    assert len(missing) == 1 and SuaAssessment.objects.count() >= 1
    assert Advice.objects.filter(followed_up_on__isnull=True).count() >= 1
    assert Advice.objects.filter(followed_up_on__isnull=False).count() >= 1
    secret = AgendaItem.objects.get(secret=True)
    assert secret.secrecy_provision == "OSL 18 kap. 8 §"
