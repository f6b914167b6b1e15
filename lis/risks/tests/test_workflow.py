"""The analysis from start to the nämnd's decision, through the pages (POL-3.15, BIL1-5), and the
compliance rules POL-2.5, POL-3.15 and POL-3.31."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.core.rules import registered_rules
from lis.plans.models import Decision
from lis.plans.services import decision_record
from lis.risks import services
from lis.risks.models import Measure, Risk, SecurityAnalysis

TODAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def buf(personas, make_system, amal):
    system = make_system(unit="BUF", name="Skolplattform")
    return {"system": system, "unit": amal["units"]["BUF"], "client": personas["unit_head_buf"].client()}


def _start(buf) -> SecurityAnalysis:
    response = buf["client"].post(reverse("risks:analysis_start"), {"unit": buf["unit"].pk})
    assert response.status_code == 302
    return SecurityAnalysis.objects.get(unit=buf["unit"])


def _risk_post(buf, **overrides):
    return {
        "system": buf["system"].pk,
        "threat": "phishing",
        "cause": "en användare luras",
        "event": "obehörig loggar in",
        "consequence_text": "uppgifter om elever röjs",
        "aspects": ["K", "R"],
        "likelihood": "3",
        "consequence": "4",
        "treatment": "reduce",
        "treatment_motivation": "Inför MFA",
        **overrides,
    }


def test_it_runs_an_analysis_from_start_to_the_boards_decision(buf, personas):
    analysis = _start(buf)
    assert analysis.period.starts_on == datetime.date(2023, 1, 1)
    client = buf["client"]

    form = client.get(reverse("risks:risk_create", args=[analysis.pk]) + "?hot=phishing").content.decode()
    assert "luras lämna ut sina inloggningsuppgifter" in form  # started from the catalogue
    response = client.post(reverse("risks:risk_create", args=[analysis.pk]), _risk_post(buf))
    risk = Risk.objects.get()
    assert response.status_code == 302 and risk.level.name == "Hög"

    response = client.post(
        reverse("risks:measure_create", args=[analysis.pk]),
        {"title": "Inför MFA", "kind": "technical", "status": "in_progress", "risks": [risk.pk], "aspects": ["K"]},
    )
    assert response.status_code == 302 and list(Measure.objects.get().risks.all()) == [risk]

    response = client.post(reverse("risks:analysis_complete", args=[analysis.pk]))
    analysis.refresh_from_db()
    assert analysis.status == "done" and analysis.completed_on == datetime.date(2026, 12, 1)

    response = client.post(
        reverse("risks:analysis_report", args=[analysis.pk]),
        {
            "board": buf["unit"].governing_board_id,
            "meeting_date": "2026-12-01",
            "paragraph": "42",
            "diary_number": "2026-14",
        },
    )
    assert response.status_code == 302
    analysis.refresh_from_db()
    assert analysis.status == "reported"
    (version,) = analysis.versions.all()
    assert version.decision.diary_number == "2026-00014"
    assert str(version.decision).endswith("2026-12-01 § 42")
    page = client.get(reverse("risks:analysis_detail", args=[analysis.pk])).content.decode()
    assert "2026-00014" in page and "§ 42" in page


def test_it_refuses_to_complete_an_analysis_with_unassessed_systems_naming_them(buf):
    analysis = _start(buf)
    response = buf["client"].post(reverse("risks:analysis_complete", args=[analysis.pk]), follow=True)
    assert "Skolplattform" in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.status == "ongoing"


@pytest.mark.parametrize(
    ("post", "field", "message"),
    [
        ({"diary_number": "KS 2026/14"}, "diary_number", "till exempel 2026-00014"),
        ({"diary_number": "2027-00001"}, "diary_number", "senare år"),
        ({"meeting_date": "2026-11-01"}, "meeting_date", "före den dag"),
        ({"paragraph": "0"}, "paragraph", ""),
    ],
)
def test_it_rejects_a_bad_decision_and_writes_nothing(buf, post, field, message):
    analysis = _start(buf)
    buf["client"].post(reverse("risks:risk_create", args=[analysis.pk]), _risk_post(buf))
    services.analysis_complete(actor=None, analysis=analysis)
    before = ChangeLogEntry.objects.count()
    data = {
        "board": buf["unit"].governing_board_id,
        "meeting_date": "2026-12-01",
        "paragraph": "42",
        "diary_number": "2026-00014",
        **post,
    }
    response = buf["client"].post(reverse("risks:analysis_report", args=[analysis.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in str(response.context["form"].errors[field])
    assert not Decision.objects.exists() and ChangeLogEntry.objects.count() == before


def test_it_refuses_a_second_decision_on_the_same_paragraph(buf):
    analysis = _start(buf)
    buf["client"].post(reverse("risks:risk_create", args=[analysis.pk]), _risk_post(buf))
    services.analysis_complete(actor=None, analysis=analysis)
    board = buf["unit"].governing_board
    decision = {"board": board, "meeting_date": datetime.date(2026, 12, 1), "paragraph": 42}
    services.analysis_report(actor=None, analysis=analysis, diary_number="2026-00014", **decision)
    with pytest.raises(Exception, match="paragrafen"):
        decision_record(actor=None, subject="Annat ärende", diary_number="2026-00015", **decision)


def test_it_rejects_acceptance_above_the_users_level_in_the_form(buf, personas):
    analysis = _start(buf)
    client = personas["strategist"].client()
    response = client.post(
        reverse("risks:risk_create", args=[analysis.pk]),
        _risk_post(buf, likelihood="4", consequence="4", treatment="accept", treatment_motivation="billigt"),
    )
    assert response.status_code == 200 and "acceptanskriterierna" in response.content.decode()
    assert not Risk.objects.exists()


def test_it_moves_a_risk_between_heat_map_cells_when_treated(buf):
    analysis = _start(buf)
    buf["client"].post(reverse("risks:risk_create", args=[analysis.pk]), _risk_post(buf))
    risk = Risk.objects.get()
    url = reverse("risks:risk_list") + f"?analys={analysis.pk}&s=3&k=4"
    assert risk.event in buf["client"].get(url).content.decode()
    assert risk.event in buf["client"].get(url + "&efter=1").content.decode()  # not yet reassessed
    buf["client"].post(
        reverse("risks:risk_edit", args=[risk.pk]),
        _risk_post(buf, residual_likelihood="1", residual_consequence="4"),
    )
    assert risk.event not in buf["client"].get(url + "&efter=1").content.decode()
    after = reverse("risks:risk_list") + f"?analys={analysis.pk}&s=1&k=4&efter=1"
    assert risk.event in buf["client"].get(after).content.decode()


def test_it_flags_overdue_measures_on_the_list_and_lets_the_responsible_report_status(buf, personas):
    analysis = _start(buf)
    measure = services.measure_save(
        actor=None,
        analysis=analysis,
        title="Byt lösenordspolicy",
        kind="administrative",
        status="not_started",
        due_on=datetime.date(2026, 10, 1),
        responsible=personas["employee_vaf"].person,
    )
    client = personas["employee_vaf"].client()
    page = client.get(reverse("risks:measure_list") + "?mina=1&forsenad=1").content.decode()
    assert "Byt lösenordspolicy" in page and "Försenad" in page
    response = client.post(
        reverse("risks:measure_status", args=[measure.pk]),
        {"status": "done", "completion_note": "Lösenordspolicyn är ändrad i katalogtjänsten."},
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == "done"
    assert "Byt lösenordspolicy" not in client.get(reverse("risks:measure_list") + "?forsenad=1").content.decode()


def _findings(rule_id):
    return registered_rules()[rule_id]()


def test_the_rules_follow_the_analysis_through_the_period(buf, personas):
    unit = buf["unit"]
    assert any(f.unit == unit for f in _findings("POL-3.15"))
    assert any(f.unit == unit and "Skolplattform" in f.message for f in _findings("POL-2.5"))
    analysis = _start(buf)
    buf["client"].post(reverse("risks:risk_create", args=[analysis.pk]), _risk_post(buf))
    assert not any(f.unit == unit for f in _findings("POL-2.5"))
    assert any(f.unit == unit and "inte rapporterad" in f.message for f in _findings("POL-3.15"))
    services.measure_save(
        actor=None,
        analysis=analysis,
        title="Sen åtgärd",
        kind="technical",
        status="in_progress",
        due_on=datetime.date(2026, 11, 27),
    )
    assert any(f.unit == unit and "Sen åtgärd" in f.message for f in _findings("POL-3.31"))
    services.analysis_complete(actor=None, analysis=analysis)
    services.analysis_report(
        actor=None,
        analysis=analysis,
        board=unit.governing_board,
        meeting_date=datetime.date(2026, 12, 1),
        paragraph=7,
        diary_number="2026-00100",
    )
    assert not any(f.unit == unit for f in _findings("POL-3.15"))
    with time_machine.travel(datetime.datetime(2027, 2, 1, tzinfo=datetime.UTC), tick=False):
        # A new mandatperiod: the analysis of the last one no longer counts.
        assert any(f.unit == unit for f in _findings("POL-3.15"))
        assert any(f.unit == unit for f in _findings("POL-2.5"))


def test_it_removes_a_mistaken_risk_and_measure_but_not_once_reported(buf):
    analysis = _start(buf)
    client = buf["client"]
    client.post(reverse("risks:risk_create", args=[analysis.pk]), _risk_post(buf))
    client.post(reverse("risks:risk_create", args=[analysis.pk]), _risk_post(buf, event="fel"))
    mistaken = Risk.objects.get(event="fel")
    measure = services.measure_save(
        actor=None, analysis=analysis, title="Fel", kind="technical", status="done", completion_note="Gjord."
    )
    client.post(reverse("risks:risk_delete", args=[mistaken.pk]))
    client.post(reverse("risks:measure_delete", args=[measure.pk]))
    assert not Risk.objects.filter(event="fel").exists() and not Measure.objects.exists()
    assert ChangeLogEntry.objects.filter(action="delete", object_type="risks.risk").count() == 1

    services.analysis_complete(actor=None, analysis=analysis)
    services.analysis_report(
        actor=None,
        analysis=analysis,
        board=buf["unit"].governing_board,
        meeting_date=datetime.date(2026, 12, 1),
        paragraph=3,
        diary_number="2026-00003",
    )
    risk = Risk.objects.get()
    response = client.post(reverse("risks:risk_delete", args=[risk.pk]), follow=True)
    assert "kan inte tas bort" in response.content.decode()
    assert Risk.objects.filter(pk=risk.pk).exists()
