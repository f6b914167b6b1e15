"""Recurring reviews of the routines and the continuity plan (issue 15, item 3; BIL1-7, BIL1-8,
POL-3.31): "Granskad" records the review and sets the next one the pack's interval later (routines
24 months, continuity plan 12), an overdue review is a finding until reviewed, and the deadline
collectors give the reminders exactly what is due."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.core import deadlines
from lis.core.models import ChangeLogEntry
from lis.core.rules import registered_rules
from lis.plans import services
from lis.plans.models import ContinuityPlan, Routine

TODAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)
ALL = [
    "strategist",
    "administrator",
    "it_manager",
    "hr",
    "unit_head_buf",
    "coordinator_vaf",
    "board_member_bun",
    "employee_vaf",
]


@pytest.fixture(autouse=True)
def today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def it_plan(amal):
    return services.continuity_plan_create(
        actor=None, owner_unit=amal["units"]["IT"], title="Handlingsplan IT – kontinuitet och drift"
    )


def _adopted(amal, personas, key: str = "incident_reporting", meeting: datetime.date = datetime.date(2024, 3, 31)):
    services.routines_ensure_required()
    routine = Routine.objects.get(key=key)
    services.routine_update(
        actor=None,
        routine=routine,
        owner_unit=amal["units"]["IT"],
        owner=personas["it_manager"].person,
        content="Så här gör vi.",
    )
    services.routine_adopt(
        actor=None,
        routine=routine,
        board=amal["boards"]["KS"],
        meeting_date=meeting,
        paragraph=5,
        diary_number=f"2024-{Routine.objects.filter(status='adopted').count() + 10:05d}",
    )
    routine.refresh_from_db()
    return routine


def _findings(rule_id: str):
    return [f for f in registered_rules()[rule_id]() if "granskats" in f.message]


# --- Granskad moves the date --------------------------------------------------------------------


def test_granskad_on_a_routine_records_the_review_and_sets_the_next_24_months_later(amal, personas):
    routine = _adopted(amal, personas)
    assert routine.next_review == datetime.date(2026, 3, 31) and routine.is_review_overdue(datetime.date(2026, 11, 28))
    with time_machine.travel(datetime.datetime(2026, 8, 31, 10, tzinfo=datetime.UTC), tick=False):
        services.routine_review(actor=personas["it_manager"].user, routine=routine, note="Gäller fortfarande.")
    routine.refresh_from_db()
    assert (routine.last_reviewed_on, routine.last_reviewed_by) == (
        datetime.date(2026, 8, 31),
        personas["it_manager"].user,
    )
    assert routine.next_review == datetime.date(2028, 8, 31)
    entry = ChangeLogEntry.objects.get(event="reviewed", object_type="plans.routine")
    assert entry.changes == {
        "what": "routine",
        "reviewed_on": "2026-08-31",
        "next_review": "2028-08-31",
        "note": "Gäller fortfarande.",
    }


def test_granskad_on_the_continuity_plan_sets_the_next_review_12_months_later_at_month_end(it_plan, personas):
    with time_machine.travel(datetime.datetime(2028, 2, 29, 10, tzinfo=datetime.UTC), tick=False):
        services.continuity_plan_review(actor=personas["it_manager"].user, plan=it_plan)
    it_plan.refresh_from_db()
    assert (it_plan.reviewed_on, it_plan.review_due) == (datetime.date(2028, 2, 29), datetime.date(2029, 2, 28))
    assert it_plan.reviewed_by == personas["it_manager"].user


def test_a_routine_that_is_not_adopted_is_not_reviewed_and_no_review_is_in_the_future(amal, personas, it_plan):
    services.routines_ensure_required()
    missing = Routine.objects.get(key="licence_management")
    with pytest.raises(ValidationError, match="antagen"):
        services.routine_review(actor=None, routine=missing)
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.continuity_plan_review(actor=None, plan=it_plan, on=datetime.date(2026, 12, 1))
    assert refused.value.message_dict["reviewed_on"] == ["Granskningen kan inte ligga i framtiden."]
    it_plan.refresh_from_db()
    assert it_plan.reviewed_on is None and ChangeLogEntry.objects.count() == before


# --- who may review: who may edit ---------------------------------------------------------------

CONTINUITY = {"strategist": 302, "administrator": 302, "it_manager": 302}
ROUTINE = {"strategist": 302, "administrator": 302, "it_manager": 302}


@pytest.mark.parametrize("persona", ALL)
def test_granskad_follows_who_may_edit_the_plan_and_the_routine(amal, personas, it_plan, persona):
    routine = _adopted(amal, personas)
    client = personas[persona].client()
    plan_response = client.post(reverse("plans:continuity_review", args=[it_plan.pk]), {"note": "ok"})
    routine_response = client.post(reverse("plans:routine_review", args=[routine.pk]), {"note": "ok"})
    # The continuity plan is not shown to those who may not see it; every employee reads the routines.
    assert plan_response.status_code == CONTINUITY.get(persona, 404)
    assert routine_response.status_code == ROUTINE.get(persona, 403)
    it_plan.refresh_from_db()
    routine.refresh_from_db()
    assert (it_plan.reviewed_on is not None) is (persona in CONTINUITY)
    assert (routine.last_reviewed_on is not None) is (persona in ROUTINE)


def test_the_service_refuses_a_reviewer_who_may_not_edit(amal, personas, it_plan):
    with pytest.raises(PermissionDenied):
        services.continuity_plan_review(actor=personas["coordinator_vaf"].user, plan=it_plan)


# --- the pages ------------------------------------------------------------------------------------


def test_the_routine_page_shows_försenad_and_granskad_and_historik_shows_the_review(amal, personas):
    routine = _adopted(amal, personas)
    client = personas["it_manager"].client()
    url = reverse("plans:routine_detail", args=[routine.pk])
    page = client.get(url).content.decode()
    assert "Nästa granskning: 2026-03-31" in page and "Försenad" in page
    assert reverse("plans:routine_review", args=[routine.pk]) in page
    response = client.post(reverse("plans:routine_review", args=[routine.pk]), {"note": "Genomläst med IT."})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert "Nästa granskning: 2028-11-28" in page and "Försenad" not in page
    assert "Granskad" in page and "Genomläst med IT." in page  # Historik
    reader = personas["employee_vaf"].client().get(url).content.decode()
    assert "Nästa granskning: 2028-11-28" in reader and reverse("plans:routine_review", args=[routine.pk]) not in reader


def test_the_continuity_page_shows_the_next_review_and_moves_it(it_plan, personas):
    ContinuityPlan.objects.filter(pk=it_plan.pk).update(review_due=datetime.date(2026, 10, 1))
    client = personas["it_manager"].client()
    url = reverse("plans:continuity_detail", args=[it_plan.pk])
    page = client.get(url).content.decode()
    assert "Nästa granskning: 2026-10-01" in page and "Försenad" in page
    client.post(reverse("plans:continuity_review", args=[it_plan.pk]), {"note": ""})
    page = client.get(url).content.decode()
    assert "Nästa granskning: 2027-11-28" in page and "Försenad" not in page


# --- rules and deadlines --------------------------------------------------------------------------


def test_an_overdue_review_is_a_finding_until_granskad(amal, personas, it_plan):
    routine = _adopted(amal, personas)
    ContinuityPlan.objects.filter(pk=it_plan.pk).update(review_due=datetime.date(2026, 11, 27))
    assert [f.unit.short_name for f in _findings("BIL1-8")] == ["IT"]
    assert [f.unit.short_name for f in _findings("BIL1-7")] == ["IT"]
    services.routine_review(actor=None, routine=routine)
    it_plan.refresh_from_db()
    services.continuity_plan_review(actor=None, plan=it_plan)
    assert _findings("BIL1-8") == [] and _findings("BIL1-7") == []


def _collect(until: datetime.date):
    with CaptureQueriesContext(connection) as captured:
        found = [
            *deadlines.kind("plans.routine_review").collect(until),
            *deadlines.kind("plans.continuity_review").collect(until),
        ]
    return len(captured), found


def test_the_collectors_return_exactly_the_due_reviews(amal, personas, it_plan):
    routine = _adopted(amal, personas, meeting=datetime.date(2024, 12, 1))  # next review 2026-12-01
    _adopted(amal, personas, key="licence_management", meeting=datetime.date(2024, 12, 2))  # 2026-12-02
    _queries, found = _collect(datetime.date(2026, 12, 1))
    assert [(d.kind, d.object_id, d.due, d.responsible_id) for d in found] == [
        ("plans.routine_review", str(routine.pk), datetime.date(2026, 12, 1), personas["it_manager"].person.pk)
    ]
    assert found[0].key == f"plans.routine_review:{routine.pk}:2026-12-01"
    assert found[0].url == reverse("plans:routine_detail", args=[routine.pk])
    _queries, found = _collect(datetime.date(2027, 11, 28))
    assert sorted(d.kind for d in found) == ["plans.continuity_review", "plans.routine_review", "plans.routine_review"]
    plan_deadline = next(d for d in found if d.kind == "plans.continuity_review")
    assert (plan_deadline.unit_id, plan_deadline.object_type, plan_deadline.due) == (
        amal["units"]["IT"].pk,
        "plans.continuityplan",
        datetime.date(2027, 11, 28),
    )
    # A routine still being written is not due for review.
    assert all(d.object_id != str(Routine.objects.get(key="procurement").pk) for d in found)


def _many(amal, count: int, start: int) -> None:
    """`count` adopted local routines and system-less continuity plans of other units, all due
    (volume for the query count; the services' own checks are tested above)."""
    units = [u for u in amal["units"].values() if u.short_name != "IT"]
    for index in range(start, start + count):
        Routine.objects.create(
            name=f"Lokal rutin {index}",
            owner_unit=units[index % len(units)],
            status=Routine.Status.ADOPTED,
            next_review=datetime.date(2026, 1, 1),
        )
    for unit in units[start : start + count]:
        ContinuityPlan.objects.create(
            owner_unit=unit, title=f"Plan {unit.short_name}", review_due=datetime.date(2026, 1, 1)
        )


def test_the_collectors_run_the_same_queries_for_5_and_30_objects(amal):
    _many(amal, 5, 0)
    small, found_small = _collect(datetime.date(2026, 12, 31))
    _many(amal, 25, 5)
    large, found_large = _collect(datetime.date(2026, 12, 31))
    units = len(amal["units"]) - 1
    assert len(found_small) == 10 and len(found_large) == 30 + min(30, units)
    assert small == large == 2


def test_a_review_date_typed_in_the_edit_form_does_not_keep_the_last_reviewers_name(personas, amal):
    from lis.plans import services as plan_services
    from lis.plans.models import ContinuityPlan

    plan = ContinuityPlan.objects.first() or plan_services.continuity_plan_create(
        actor=personas["it_manager"].user, owner_unit=amal["units"]["IT"], system=None, title="Kontinuitetsplan IT"
    )
    plan_services.continuity_plan_review(actor=personas["strategist"].user, plan=plan, note="")
    plan.refresh_from_db()
    assert plan.reviewed_by == personas["strategist"].user
    plan_services.continuity_plan_update(
        actor=personas["strategist"].user, plan=plan, reviewed_on=plan.reviewed_on - datetime.timedelta(days=3)
    )
    plan.refresh_from_db()
    assert plan.reviewed_by is None
