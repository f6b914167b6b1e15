"""Handlingsplaner: required sections (BIL1-6), the decision that freezes a version (BIL1-5),
new versions after a decision, and follow-ups that keep the measures' status (POL-3.3)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from lis.core.models import ChangeLogEntry, ImmutableError
from lis.organisation.services import mandate_period_for
from lis.plans import services
from lis.plans.models import ActionPlan, ActionPlanVersion
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
    # Only what remains of the period (2026 K4); measures due earlier come first.
    assert timeline == {"Tidigare": ["Utbilda personalen", "Inför MFA"], "2026 K4": []}
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
    risk_services.measure_set_status(actor=None, measure=measures[0], status="done", completion_note="Införd.")
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
    from lis.core.rules import registered_rules

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


def test_it_starts_next_periods_plan_after_the_election_and_lists_measures_after_the_period(amal):
    unit = amal["units"]["BUF"]
    current, following = services.plan_periods()
    assert (following.starts_on, following.ends_on) == (datetime.date(2027, 1, 1), datetime.date(2030, 12, 31))
    plan = services.plan_start(actor=None, unit=unit, period=following)
    assert plan.period == following and current.ends_on == datetime.date(2026, 12, 31)
    analysis = risk_services.analysis_start(actor=None, unit=unit, period=following)
    for title, due_on in (("Tidig", datetime.date(2027, 2, 1)), ("Sen", datetime.date(2031, 3, 1))):
        risk_services.measure_save(
            actor=None, analysis=analysis, title=title, kind="technical", status="not_started", due_on=due_on
        )
    (timeline,) = [s for s in services.plan_content(plan)["sections"] if s.get("timeline")]
    rows = {q["quarter"]: q["measures"] for q in timeline["timeline"]}
    assert list(rows)[0] == "2027 K1" and len(rows) == 17
    assert rows["2027 K1"] == ["Tidig"] and rows["Efter perioden"] == ["Sen"]


def test_it_rejects_next_periods_plan_before_the_election(amal):
    with time_machine.travel(datetime.datetime(2026, 9, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        (current,) = services.plan_periods()
        following = mandate_period_for(datetime.date(2027, 1, 1))
        with pytest.raises(ValidationError) as refused:
            services.plan_start(actor=None, unit=amal["units"]["BUF"], period=following)
    assert "period" in refused.value.message_dict and not ActionPlan.objects.exists()
    assert current.ends_on == datetime.date(2026, 12, 31)


def test_it_shows_only_the_remaining_quarters_of_the_period(plan):
    with time_machine.travel(datetime.datetime(2025, 5, 2, 10, 0, tzinfo=datetime.UTC), tick=False):
        (timeline,) = [s for s in services.plan_content(plan)["sections"] if s.get("timeline")]
    assert [q["quarter"] for q in timeline["timeline"]][:2] == ["2025 K2", "2025 K3"]
    assert len(timeline["timeline"]) == 7
