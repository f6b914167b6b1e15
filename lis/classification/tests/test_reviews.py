"""Recurring review of a fastställd classification (issue 15, item 3; POL-3.31): the next review
counts from the approval or the last review, "Granskad" on the Klassning tab moves it, an overdue
review is a finding per förvaltning/bolag and a deadline for the system's ansvarig chef."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lis.classification import services
from lis.classification.models import Classification
from lis.core import deadlines
from lis.core.models import ChangeLogEntry
from lis.core.rules import registered_rules
from lis.systems import services as system_services
from lis.systems.models import InformationSet

TODAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)
LEVELS = {"K": "2", "R": "2", "T": "1"}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC), tick=False)


def _approved(system, personas, name: str = "Akter") -> Classification:
    information_set = system_services.information_set_create(actor=None, system=system, name=name)
    proposal = services.classification_save(
        actor=personas["strategist"].user,
        information_set=information_set,
        levels=LEVELS,
        motivation="Motivering",
        propose=True,
    )
    return services.classification_approve(actor=personas["administrator"].user, classification=proposal)


def _approved_on(day: datetime.date, system, personas, name: str = "Akter") -> Classification:
    """A classification fastställd on `day` (before the personas' roles began: the approval is
    moved back after the fact, as an older register would hold it)."""
    classification = _approved(system, personas, name)
    moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)
    Classification.objects.filter(pk=classification.pk).update(approved_at=moment)
    classification.refresh_from_db()
    return classification


def _review_findings():
    return [f for f in registered_rules()["POL-3.31"]() if "klassning" in f.message]


def test_the_next_review_counts_from_the_approval_by_the_pack_s_interval_and_granskad_moves_it(make_system, personas):
    with _at(datetime.date(2024, 2, 29)):
        classification = _approved(make_system(), personas)
    assert classification.review_due == datetime.date(2028, 2, 29)  # 48 months: one mandatperiod
    services.classification_review(
        actor=personas["coordinator_vaf"].user, classification=classification, note="Oförändrad."
    )
    classification.refresh_from_db()
    assert (classification.last_reviewed_on, classification.last_reviewed_by) == (
        datetime.date(2026, 11, 28),
        personas["coordinator_vaf"].user,
    )
    assert classification.review_due == datetime.date(2030, 11, 28)
    assert classification.status == Classification.Status.APPROVED and classification.levels == LEVELS
    entry = ChangeLogEntry.objects.get(event="reviewed", object_type="classification.classification")
    assert entry.changes["note"] == "Oförändrad." and entry.changes["next_review"] == "2030-11-28"


def test_only_a_fastställd_classification_is_reviewed_and_never_in_the_future(make_system, personas):
    system = make_system()
    information_set = system_services.information_set_create(actor=None, system=system, name="Akter")
    draft = services.classification_save(
        actor=personas["strategist"].user, information_set=information_set, levels=LEVELS, motivation="m"
    )
    with pytest.raises(ValidationError):
        services.classification_review(actor=None, classification=draft)
    approved = _approved(system, personas, name="Register")
    with pytest.raises(ValidationError):
        services.classification_review(actor=None, classification=approved, on=datetime.date(2026, 11, 29))
    approved.refresh_from_db()
    assert approved.last_reviewed_on is None


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("strategist", 302),
        ("unit_head_buf", 302),
        ("it_manager", 403),
        ("board_member_bun", 403),
        ("coordinator_vaf", 404),
        ("employee_vaf", 404),
    ],
)
def test_who_may_propose_a_classification_may_review_it(make_system, personas, persona, status):
    classification = _approved(make_system(unit="BUF", name="Skolplattformen"), personas)
    response = (
        personas[persona]
        .client()
        .post(reverse("classification:classification_review", args=[classification.pk]), {"note": ""})
    )
    assert response.status_code == status
    classification.refresh_from_db()
    assert (classification.last_reviewed_on is not None) is (status == 302)


def test_the_service_refuses_a_reviewer_who_may_not_edit(make_system, personas):
    classification = _approved(make_system(), personas)
    with pytest.raises(PermissionDenied):
        services.classification_review(actor=personas["it_manager"].user, classification=classification)


def test_the_klassning_tab_shows_the_next_review_overdue_and_granskad(make_system, personas):
    system = make_system()
    classification = _approved_on(datetime.date(2022, 6, 1), system, personas)
    client = personas["coordinator_vaf"].client()
    url = reverse("systems:system_detail", args=[system.pk]) + "?flik=klassning"
    page = client.get(url).content.decode()
    assert "Nästa granskning: 2026-06-01" in page and "Försenad" in page
    review_url = reverse("classification:classification_review", args=[classification.pk])
    assert review_url in page
    response = client.post(review_url, {"note": "Stämmer fortfarande."})
    assert response.status_code == 302 and response.url == url
    page = client.get(url).content.decode()
    assert "Nästa granskning: 2030-11-28" in page and "Försenad" not in page
    history = client.get(reverse("systems:system_detail", args=[system.pk]) + "?flik=historik").content.decode()
    assert "Stämmer fortfarande." in history and "Klassningen" in history


def test_an_overdue_classification_review_is_a_finding_until_it_is_reviewed(make_system, personas):
    late = _approved_on(datetime.date(2022, 11, 27), make_system(name="Ekonomisystemet"), personas)
    _approved_on(datetime.date(2022, 11, 28), make_system(name="Due today"), personas)  # due today: not overdue
    findings = _review_findings()
    assert [(f.unit.short_name, f.message) for f in findings] == [
        ("VAF", "1 system har en klassning som skulle ha granskats: Ekonomisystemet")
    ]
    assert findings[0].link.endswith("?flik=klassning")
    services.classification_review(actor=None, classification=late)
    assert _review_findings() == []


def test_a_superseded_classification_or_a_säkerhetsskyddad_set_is_not_due(make_system, personas):
    system = make_system()
    old = _approved_on(datetime.date(2020, 1, 1), system, personas)
    proposal = services.classification_save(
        actor=personas["strategist"].user,
        information_set=old.information_set,
        levels={"K": "3", "R": "3", "T": "3"},
        motivation="Ny bedömning",
        propose=True,
    )
    new = services.classification_approve(actor=personas["administrator"].user, classification=proposal)
    due = list(deadlines.kind("classification.review").collect(datetime.date(2031, 1, 1)))
    assert [(d.object_id, d.due) for d in due] == [(str(new.pk), datetime.date(2030, 11, 28))]
    # POL-3.24: information marked säkerhetsskyddsklassificerad is not classified in LIS.
    InformationSet.objects.filter(pk=new.information_set_id).update(security_protected=True)
    assert list(deadlines.kind("classification.review").collect(datetime.date(2031, 1, 1))) == []


def test_the_collector_returns_the_due_reviews_for_the_responsible_manager_in_flat_queries(make_system, personas):
    manager = personas["unit_head_buf"].person

    def add(count: int, start: int) -> None:
        for index in range(start, start + count):
            system = make_system(name=f"System {index}", responsible_manager=manager)
            _approved_on(datetime.date(2022, 12, 1), system, personas)

    _approved_on(datetime.date(2022, 12, 2), make_system(name="Later"), personas)
    until = datetime.date(2026, 12, 1)

    def collect():
        with CaptureQueriesContext(connection) as captured:
            found = list(deadlines.kind("classification.review").collect(until))
        return len(captured), found

    add(5, 0)
    small, found = collect()
    assert len(found) == 5 and {d.due for d in found} == {until}
    assert {d.responsible_id for d in found} == {manager.pk}
    assert found[0].url.endswith("?flik=klassning") and found[0].object_type == "classification.classification"
    add(25, 5)
    large, found = collect()
    assert len(found) == 30 and small == large == 1
