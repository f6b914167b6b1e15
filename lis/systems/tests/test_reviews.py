"""Recurring reviews of the register (issue 15, item 3; POL-3.31): a system's documentation and
its agreements get a next review date from the pack's interval, a "Granskad" action that records
the review and moves the date, findings when overdue, and deadlines for the reminders."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.core import deadlines, reviews
from lis.core.clock import add_months
from lis.core.models import ChangeLogEntry
from lis.core.rules import registered_rules
from lis.systems import services
from lis.systems.models import Agreement, InformationSystem

# 2026-11-28 11:00 in Stockholm.
TODAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC), tick=False)


def _findings():
    return registered_rules()["POL-3.31"]()


def _review_findings():
    return [f for f in _findings() if "skulle ha granskats" in f.message]


# --- the date arithmetic --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "months", "due"),
    [
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2027, 1, 31), 13, datetime.date(2028, 2, 29)),  # a leap year's February
        (datetime.date(2024, 2, 29), 12, datetime.date(2025, 2, 28)),
        (datetime.date(2026, 8, 31), 24, datetime.date(2028, 8, 31)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
        (None, 12, None),
    ],
)
def test_it_computes_the_next_review_in_calendar_months_on_the_month_s_last_day_when_shorter(base, months, due):
    assert reviews.next_review(base, months) == due


@pytest.mark.parametrize("months", [1, 11, 12, 13, 24, 48])
def test_the_database_cutoff_finds_exactly_the_reviews_due_on_or_before_a_day(months):
    """The lists and collectors compare the base date with base_cutoff(): for every day over two
    years (month ends and a leap day included) it agrees with add_months day by day."""
    until = datetime.date(2027, 1, 1)
    while until < datetime.date(2029, 1, 1):
        cutoff = reviews.base_cutoff(until, months)
        for offset in range(-40, 40):
            base = cutoff + datetime.timedelta(days=offset)
            assert (add_months(base, months) <= until) == (base < cutoff), (until, base, months)
        until += datetime.timedelta(days=1)


def test_the_system_s_next_documentation_review_counts_from_registration_then_from_the_last_review(make_system):
    system = make_system()
    assert system.documentation_review_due == datetime.date(2027, 11, 28)
    with _at(datetime.date(2027, 1, 31)):
        services.system_documentation_review(actor=None, system=system)
    system.refresh_from_db()
    assert system.documentation_reviewed_on == datetime.date(2027, 1, 31)
    assert system.documentation_review_due == datetime.date(2028, 1, 31)


def test_an_agreement_s_next_review_counts_from_its_start_and_is_moved_by_granskad(make_system, vendor, personas):
    system = make_system()
    agreement = services.agreement_create(
        actor=None, system=system, counterparty=vendor, reference="AVT-1", starts_on=datetime.date(2025, 10, 31)
    )
    assert agreement.review_due == datetime.date(2026, 10, 31)
    services.agreement_review(actor=personas["coordinator_vaf"].user, agreement=agreement, note="Inga ändringar.")
    agreement.refresh_from_db()
    assert (agreement.last_reviewed_on, agreement.last_reviewed_by) == (
        datetime.date(2026, 11, 28),
        personas["coordinator_vaf"].user,
    )
    assert agreement.review_due == datetime.date(2027, 11, 28)
    entry = ChangeLogEntry.objects.filter(event="reviewed", object_type="systems.agreement").get()
    assert entry.changes == {
        "what": "agreement",
        "reviewed_on": "2026-11-28",
        "next_review": "2027-11-28",
        "note": "Inga ändringar.",
    }


# --- no future dates, nothing half written ----------------------------------------------------


def test_it_refuses_a_review_dated_in_the_future_and_writes_nothing(make_system):
    system = make_system()
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.system_documentation_review(actor=None, system=system, on=datetime.date(2026, 11, 29))
    assert refused.value.message_dict["reviewed_on"] == ["Granskningen kan inte ligga i framtiden."]
    system.refresh_from_db()
    assert system.documentation_reviewed_on is None and ChangeLogEntry.objects.count() == before


def test_it_refuses_a_review_dated_before_the_last_one(make_system):
    system = make_system()
    services.system_documentation_review(actor=None, system=system)
    with pytest.raises(ValidationError):
        services.system_documentation_review(actor=None, system=system, on=datetime.date(2026, 1, 1))
    system.refresh_from_db()
    assert system.documentation_reviewed_on == datetime.date(2026, 11, 28)


def test_it_refuses_to_review_an_ended_agreement_or_a_decommissioned_system(make_system, vendor):
    system = make_system()
    ended = services.agreement_create(
        actor=None,
        system=system,
        counterparty=vendor,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError):
        services.agreement_review(actor=None, agreement=ended)
    gone = make_system(name="Gammalt", status=InformationSystem.Status.DECOMMISSIONED)
    with pytest.raises(ValidationError):
        services.system_documentation_review(actor=None, system=gone)


def test_it_refuses_a_note_longer_than_a_thousand_characters(make_system):
    system = make_system()
    with pytest.raises(ValidationError) as refused:
        services.system_documentation_review(actor=None, system=system, note="x" * 1001)
    assert "note" in refused.value.message_dict


# --- who may review: who may edit the system ------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("strategist", 302),
        ("administrator", 302),
        ("unit_head_buf", 302),  # the system's own förvaltning
        ("it_manager", 403),  # reads every system, edits none
        ("board_member_bun", 403),  # the nämnd sees what it governs, edits nothing
        ("coordinator_vaf", 404),  # another förvaltning: does not see the system
        ("employee_vaf", 404),
        ("hr", 404),
    ],
)
def test_granskad_on_the_system_page_follows_who_may_edit_the_system(make_system, vendor, personas, persona, status):
    system = make_system(unit="BUF", name="Skolplattformen")
    agreement = services.agreement_create(actor=None, system=system, counterparty=vendor, reference="AVT-1")
    client = personas[persona].client()
    urls = [
        reverse("systems:documentation_review", args=[system.pk]),
        reverse("systems:agreement_review", args=[system.pk, agreement.pk]),
    ]
    for url in urls:
        assert client.post(url, {"note": "Kontrollerad"}).status_code == status
    system.refresh_from_db()
    agreement.refresh_from_db()
    reviewed = status == 302
    assert (system.documentation_reviewed_on is not None) is reviewed
    assert (agreement.last_reviewed_on is not None) is reviewed
    assert ChangeLogEntry.objects.filter(event="reviewed").count() == (2 if reviewed else 0)


def test_the_named_systemforvaltare_may_review_their_system_in_another_unit(make_system, personas):
    system = make_system(unit="BUF", system_steward=personas["employee_vaf"].person)
    response = personas["employee_vaf"].client().post(reverse("systems:documentation_review", args=[system.pk]))
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.documentation_reviewed_by == personas["employee_vaf"].user


def test_granskad_needs_a_post(make_system, personas):
    system = make_system()
    client = personas["strategist"].client()
    assert client.get(reverse("systems:documentation_review", args=[system.pk])).status_code == 405


def test_the_system_page_shows_the_next_review_overdue_and_the_button_then_the_review_in_historik(
    make_system, vendor, personas
):
    with _at(datetime.date(2025, 6, 30)):
        system = make_system()
        services.agreement_create(actor=None, system=system, counterparty=vendor, reference="AVT-9")
    client = personas["coordinator_vaf"].client()
    page = client.get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert "Nästa granskning: 2026-06-30" in page and "Försenad" in page
    assert reverse("systems:documentation_review", args=[system.pk]) in page
    assert 'name="csrfmiddlewaretoken"' in page

    response = client.post(reverse("systems:documentation_review", args=[system.pk]), {"note": "Roller stämmer."})
    assert response.status_code == 302 and response.url == reverse("systems:system_detail", args=[system.pk])
    page = client.get(response.url).content.decode()
    assert "Granskningen är registrerad. Nästa granskning: 2027-11-28." in page
    assert "Nästa granskning: 2027-11-28" in page and "Försenad" not in page.split("documentation-review-heading")[1]

    agreements = client.get(reverse("systems:system_detail", args=[system.pk]) + "?flik=avtal").content.decode()
    assert "2026-06-30" in agreements and "Försenad" in agreements

    history = client.get(reverse("systems:system_detail", args=[system.pk]) + "?flik=historik").content.decode()
    assert "Granskad" in history and "Roller stämmer." in history and "Systemets dokumentation" in history


def test_a_reader_sees_the_next_review_but_no_button(make_system, personas):
    system = make_system()
    page = personas["it_manager"].client().get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert "Nästa granskning: 2027-11-28" in page
    assert reverse("systems:documentation_review", args=[system.pk]) not in page


# --- rules: overdue reviews are findings per förvaltning/bolag -------------------------------------


def test_an_overdue_documentation_review_is_a_finding_for_the_unit_until_it_is_reviewed(make_system, amal):
    with _at(datetime.date(2025, 11, 27)):
        late = make_system(name="Ekonomisystemet")
        make_system(unit="BUF", name="Skolplattformen")
    with _at(datetime.date(2025, 11, 28)):
        make_system(name="Due today")  # due 2026-11-28: not overdue yet
    findings = [f for f in _review_findings() if "dokumentation" in f.message]
    assert [(f.unit.short_name, f.message) for f in findings] == [
        ("BUF", "1 system har dokumentation som skulle ha granskats: Skolplattformen"),
        ("VAF", "1 system har dokumentation som skulle ha granskats: Ekonomisystemet"),
    ]
    assert findings[1].link == reverse("systems:system_detail", args=[late.pk])

    services.system_documentation_review(actor=None, system=late)
    assert [f.unit.short_name for f in _review_findings()] == ["BUF"]


def test_an_overdue_agreement_review_is_a_finding_and_an_ended_agreement_is_not(make_system, vendor):
    system = make_system()
    agreement = services.agreement_create(
        actor=None, system=system, counterparty=vendor, starts_on=datetime.date(2024, 1, 1)
    )
    services.agreement_create(
        actor=None,
        system=system,
        counterparty=vendor,
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2026, 1, 1),
    )
    findings = [f for f in _review_findings() if "avtal" in f.message]
    assert [f.message for f in findings] == ["1 system har avtal som skulle ha granskats: Verksamhetssystem"]
    assert findings[0].link.endswith("?flik=avtal")
    services.agreement_review(actor=None, agreement=agreement)
    assert [f for f in _review_findings() if "avtal" in f.message] == []


# --- deadlines: the reviews due, for whom, in a few queries -----------------------------------------


def test_the_collectors_return_exactly_the_reviews_due_on_or_before_the_day(make_system, vendor, personas):
    with _at(datetime.date(2025, 12, 1)):
        due = make_system(name="Due", system_steward=personas["employee_vaf"].person)
    with _at(datetime.date(2025, 12, 2)):
        make_system(name="Not yet")
    agreement = services.agreement_create(
        actor=None, system=due, counterparty=vendor, reference="A", starts_on=datetime.date(2025, 12, 1)
    )
    services.agreement_create(
        actor=None, system=due, counterparty=vendor, reference="B", starts_on=datetime.date(2025, 12, 2)
    )
    until = datetime.date(2026, 12, 1)
    documentation = list(deadlines.kind("systems.documentation_review").collect(until))
    assert [(d.object_id, d.due, d.responsible_id, d.unit_id) for d in documentation] == [
        (str(due.pk), datetime.date(2026, 12, 1), personas["employee_vaf"].person.pk, due.unit_id)
    ]
    assert documentation[0].key == f"systems.documentation_review:{due.pk}:2026-12-01"
    assert documentation[0].url == reverse("systems:system_detail", args=[due.pk])
    assert documentation[0].object_type == "systems.informationsystem"
    agreements = list(deadlines.kind("systems.agreement_review").collect(until))
    assert [(d.object_id, d.due, d.object_type) for d in agreements] == [
        (str(agreement.pk), datetime.date(2026, 12, 1), "systems.agreement")
    ]

    services.system_documentation_review(actor=None, system=due)
    assert list(deadlines.kind("systems.documentation_review").collect(until)) == []


def _count_queries(until: datetime.date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        found = [
            *deadlines.kind("systems.documentation_review").collect(until),
            *deadlines.kind("systems.agreement_review").collect(until),
        ]
    return len(captured), len(found)


def test_the_collectors_run_the_same_few_queries_for_5_and_30_objects(make_system, vendor):
    until = datetime.date(2027, 12, 31)

    def add(count: int, start: int) -> None:
        for index in range(start, start + count):
            system = make_system(name=f"System {index}")
            services.agreement_create(actor=None, system=system, counterparty=vendor, reference=f"A{index}")

    add(5, 0)
    small, found_small = _count_queries(until)
    add(25, 5)
    large, found_large = _count_queries(until)
    assert (found_small, found_large) == (10, 60)
    assert small == large <= 2


def test_a_review_is_a_new_obligation_with_a_new_key(make_system):
    with _at(datetime.date(2025, 1, 15)):
        system = make_system()
    before = next(iter(deadlines.kind("systems.documentation_review").collect(datetime.date(2026, 11, 28))))
    services.system_documentation_review(actor=None, system=system)
    after = next(iter(deadlines.kind("systems.documentation_review").collect(datetime.date(2027, 12, 31))))
    assert before.key != after.key and after.due == datetime.date(2027, 11, 28)


def test_only_who_may_edit_may_review_in_the_service(make_system, vendor, personas):
    system = make_system()
    agreement = services.agreement_create(actor=None, system=system, counterparty=vendor)
    with pytest.raises(PermissionDenied):
        services.system_documentation_review(actor=personas["it_manager"].user, system=system)
    with pytest.raises(PermissionDenied):
        services.agreement_review(actor=personas["unit_head_buf"].user, agreement=agreement)
    assert not Agreement.objects.filter(last_reviewed_on__isnull=False).exists()


def test_the_register_list_filters_the_systems_with_an_overdue_review(make_system, vendor, personas):
    with _at(datetime.date(2025, 1, 1)):
        late = make_system(name="Sent dokumenterat")
        with_agreement = make_system(name="Med gammalt avtal")
    services.system_documentation_review(actor=None, system=with_agreement)
    services.agreement_create(
        actor=None, system=with_agreement, counterparty=vendor, starts_on=datetime.date(2025, 1, 1)
    )
    make_system(name="Nyregistrerat")
    client = personas["coordinator_vaf"].client()
    page = client.get(reverse("systems:system_list") + "?granskning=forsenad").content.decode()
    assert "Sent dokumenterat" in page and "Med gammalt avtal" in page and "Nyregistrerat" not in page
    other_unit = personas["unit_head_buf"].client().get(reverse("systems:system_list") + "?granskning=forsenad")
    assert "Sent dokumenterat" not in other_unit.content.decode()
    (finding,) = [f for f in _review_findings() if "dokumentation" in f.message]
    assert finding.link == reverse("systems:system_detail", args=[late.pk])
