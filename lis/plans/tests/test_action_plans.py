"""Handlingsplaner: required sections (BIL1-6), the decision that freezes a version (BIL1-5),
new versions after a decision, and follow-ups that keep the measures' status (POL-3.3)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from lis.core.models import ChangeLogEntry
from lis.plans import services
from lis.plans.models import ActionPlan, ActionPlanVersion, ImmutableError
from lis.risks import services as risk_services

TODAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)
PROSE = {"digitalisation_needs": "E-tjänst för skolval.", "administrative_measures": "Rutiner för behörigheter."}


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def plan(amal):
    return services.plan_start(actor=None, unit=amal["units"]["BUF"])


@pytest.fixture
def measures(amal, make_system):
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["BUF"])
    system = make_system(unit="BUF", name="Skolplattform")
    risk = risk_services.risk_create(
        actor=None,
        analysis=analysis,
        system=system,
        cause="c",
        event="e",
        consequence_text="k",
        aspects=["K"],
        likelihood=3,
        consequence=3,
    )
    return [
        risk_services.measure_save(
            actor=None,
            analysis=analysis,
            risks=[risk],
            title=title,
            kind=kind,
            status="not_started",
            due_on=due_on,
        )
        for title, kind, due_on in (
            ("Inför MFA", "technical", datetime.date(2026, 5, 1)),
            ("Utbilda personalen", "administrative", datetime.date(2025, 2, 1)),
        )
    ]


def _decide(plan, **overrides):
    values = {
        "board": plan.unit.governing_board,
        "meeting_date": datetime.date(2026, 11, 20),
        "paragraph": 12,
        "diary_number": "2026-00031",
        "render_pdf": lambda plan, content, decision: b"%PDF-1.7 test",
        **overrides,
    }
    return services.plan_decide(actor=None, plan=plan, **values)


def test_it_places_the_plan_in_the_boards_mandate_period(plan):
    assert str(plan.period) == "2023–2026" and plan.status == "draft"


def test_it_refuses_to_send_a_plan_with_empty_sections_naming_them(plan):
    services.plan_update(actor=None, plan=plan, sections={"digitalisation_needs": "E-tjänster"})
    with pytest.raises(ValidationError) as caught:
        services.plan_submit(actor=None, plan=plan)
    message = caught.value.messages[0]
    assert "Behov av administrativa åtgärder" in message and "Övergripande tidsplan" in message
    assert "Digitaliseringsbehov" not in message
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_the_measure_sections_and_the_timeline_draw_on_the_units_measures(plan, measures):
    content = services.plan_content(plan)
    sections = {s["key"]: s for s in content["sections"]}
    assert [m["title"] for m in sections["technical_measures"]["measures"]] == ["Inför MFA"]
    assert [m["title"] for m in sections["administrative_measures"]["measures"]] == ["Utbilda personalen"]
    timeline = {q["quarter"]: q["measures"] for q in sections["timeline"]["timeline"]}
    assert (
        len(timeline) == 16 and timeline["2026 K2"] == ["Inför MFA"] and timeline["2025 K1"] == ["Utbilda personalen"]
    )
    services.plan_update(actor=None, plan=plan, sections={"digitalisation_needs": "E-tjänster"})
    assert services.plan_submit(actor=None, plan=plan).status == "for_decision"


def test_a_decision_freezes_the_version_and_a_later_change_starts_the_next(plan, measures):
    services.plan_update(actor=None, plan=plan, sections=PROSE)
    services.plan_submit(actor=None, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_update(actor=None, plan=plan, sections={"digitalisation_needs": "ändrat"})
    version = _decide(plan)
    plan.refresh_from_db()
    assert plan.status == "decided" and version.number == 1
    assert version.decision.diary_number == "2026-00031"
    assert version.content["sections"][0]["text"] == "E-tjänst för skolval."
    assert len(version.pdf_sha256) == 64

    services.plan_update(actor=None, plan=plan, sections={**PROSE, "digitalisation_needs": "Ny e-tjänst."})
    plan.refresh_from_db()
    assert (plan.status, plan.version) == ("draft", 2)
    frozen = ActionPlanVersion.objects.get(pk=version.pk)
    assert frozen.content["sections"][0]["text"] == "E-tjänst för skolval."
    with pytest.raises(ImmutableError):
        frozen.save()
    with pytest.raises(ImmutableError):
        frozen.delete()


def test_it_refuses_a_decision_before_the_plan_is_sent_and_writes_nothing(plan):
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError, match="Skicka planen"):
        _decide(plan)
    assert ChangeLogEntry.objects.count() == before and not ActionPlanVersion.objects.exists()


def test_a_follow_up_keeps_each_measures_status_at_that_moment(plan, measures):
    services.plan_update(actor=None, plan=plan, sections=PROSE)
    services.plan_submit(actor=None, plan=plan)
    _decide(plan)
    follow_up = services.follow_up_record(
        actor=None,
        plan=plan,
        followed_up_on=datetime.date(2026, 11, 27),
        board=plan.unit.governing_board,
        meeting_date=datetime.date(2026, 11, 27),
        paragraph=30,
        diary_number="2026-00031",
    )
    risk_services.measure_set_status(actor=None, measure=measures[0], status="done")
    follow_up.refresh_from_db()
    rows = {row["title"]: row for row in follow_up.measures}
    assert rows["Inför MFA"]["status"] == "not_started" and rows["Inför MFA"]["overdue"]
    assert rows["Utbilda personalen"]["overdue"]


def test_it_refuses_a_follow_up_of_an_undecided_plan(plan):
    with pytest.raises(ValidationError, match="beslutad plan"):
        services.follow_up_record(
            actor=None,
            plan=plan,
            followed_up_on=datetime.date(2026, 11, 27),
            board=plan.unit.governing_board,
            meeting_date=datetime.date(2026, 11, 27),
            paragraph=30,
            diary_number="2026-00031",
        )


@pytest.mark.parametrize("persona", ["coordinator_vaf", "board_member_bun", "employee_vaf", "it_manager"])
def test_it_refuses_plan_writes_without_authority(plan, personas, persona):
    with pytest.raises(PermissionDenied):
        services.plan_update(actor=personas[persona].user, plan=plan, sections=PROSE)
    assert ActionPlan.objects.get(pk=plan.pk).sections == {}


def _findings(rule_id):
    from lis.compliance.registry import registered_rules

    return registered_rules()[rule_id]()


def test_the_rules_follow_the_plan_from_missing_to_followed_up(plan, measures, amal):
    unit = plan.unit
    assert any(f.unit == amal["units"]["VAF"] and "Ingen handlingsplan" in f.message for f in _findings("POL-3.2"))
    assert any(f.unit == unit and "inte beslutad" in f.message for f in _findings("POL-3.2"))
    empty = next(f for f in _findings("BIL1-6") if f.unit == unit)
    assert "Digitaliseringsbehov" in empty.message and "tekniska" not in empty.message  # measures fill it
    services.plan_update(actor=None, plan=plan, sections={"digitalisation_needs": "E-tjänster"})
    assert not any(f.unit == unit for f in _findings("BIL1-6"))
    services.plan_submit(actor=None, plan=plan)
    _decide(plan)
    assert not any(f.unit == unit for f in _findings("POL-3.2"))
    assert any(f.unit == unit for f in _findings("POL-3.3"))
    services.follow_up_record(
        actor=None,
        plan=plan,
        followed_up_on=datetime.date(2026, 11, 27),
        board=unit.governing_board,
        meeting_date=datetime.date(2026, 11, 27),
        paragraph=30,
        diary_number="2026-00031",
    )
    assert not any(f.unit == unit for f in _findings("POL-3.3"))
