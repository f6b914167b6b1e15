"""A reported analysis is frozen (issue 9, item 3): each report is an immutable version with its
PDF/A and SHA-256; work continues in the live analysis, which shows it has changed, can be
reported again and compared with what was reported. The decision is the governing board's and
its meeting has been held (items 1, 2)."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lis.core.models import ChangeLogEntry, ImmutableError
from lis.core.pack import get_pack
from lis.plans.models import Decision
from lis.risks import selectors, services
from lis.risks.models import AnalysisVersion, Risk, SecurityAnalysis

TODAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def head(personas):
    return personas["unit_head_buf"]


@pytest.fixture
def analysis(amal, make_system, head, personas):
    unit = amal["units"]["BUF"]
    make_system(unit="BUF", name="Skolplattform")
    make_system(unit="BUF", name="Elevhälsa", system_steward=personas["employee_vaf"].person)
    analysis = services.analysis_start(actor=None, unit=unit, started_on=datetime.date(2026, 2, 1))
    for system in unit.systems.all():
        _risk(analysis, system, event=f"intrång i {system.name}", likelihood=2, consequence=2)
    services.analysis_complete(actor=None, analysis=analysis)
    return analysis


def _risk(analysis, system, **fields):
    values = {
        "cause": "svagt lösenord",
        "event": "intrång",
        "consequence_text": "uppgifter röjs",
        "aspects": ["K"],
        "likelihood": 2,
        "consequence": 2,
        **fields,
    }
    return services.risk_create(actor=None, analysis=analysis, system=system, **values)


def _report(analysis, user, **overrides):
    values = {
        "board": analysis.unit.governing_board,
        "meeting_date": datetime.date(2026, 12, 1),
        "paragraph": 42,
        "diary_number": "2026-00014",
        **overrides,
    }
    return services.analysis_report(actor=user, analysis=analysis, **values)


def test_it_freezes_what_was_reported_and_reports_a_changed_analysis_as_version_2(analysis, head, make_system):
    first = _report(analysis, head.user)
    assert first.number == 1 and first.pdf.startswith(b"%PDF-")
    assert first.pdf_sha256 == hashlib.sha256(first.pdf).hexdigest()
    assert ChangeLogEntry.objects.filter(object_type="risks.analysisversion", action="create").count() == 1
    frozen_pdf, frozen_content = bytes(first.pdf), first.content
    analysis.refresh_from_db()
    assert analysis.status == "reported" and not selectors.changed_since_report(analysis, first)
    with pytest.raises(ValidationError, match="inte ändrats"):
        _report(analysis, head.user, paragraph=43, diary_number="2026-00015")

    system = analysis.unit.systems.get(name="Skolplattform")
    _risk(analysis, system, event="utpressningsvirus krypterar allt", likelihood=4, consequence=4)

    first = AnalysisVersion.objects.get(pk=first.pk)
    assert bytes(first.pdf) == frozen_pdf and first.content == frozen_content
    assert "utpressningsvirus krypterar allt" not in str(first.content)
    assert selectors.changed_since_report(analysis, first)
    page = head.client().get(reverse("risks:analysis_detail", args=[analysis.pk])).content.decode()
    assert "Ändrad efter rapporteringen" in page and "Rapportera till nämnden igen" in page

    response = head.client().post(
        reverse("risks:analysis_report", args=[analysis.pk]),
        {
            "board": analysis.unit.governing_board_id,
            "meeting_date": "2026-12-01",
            "paragraph": "43",
            "diary_number": "2026-00015",
        },
    )
    assert response.status_code == 302
    second = analysis.versions.get(number=2)
    (new_risk,) = [r for r in second.content["risks"] if r["event"] == "utpressningsvirus krypterar allt"]
    assert new_risk["level"]["name"] == "Extremt hög" and second.decision.paragraph == 43
    assert bytes(AnalysisVersion.objects.get(number=1).pdf) == frozen_pdf

    compare = head.client().get(reverse("risks:analysis_compare", args=[analysis.pk]) + "?a=1&b=2")
    text = compare.content.decode()
    assert compare.status_code == 200 and "utpressningsvirus krypterar allt" in text and "ny" in text
    # Only what changed, unless the reader asks for everything (an analysis has thousands of risks).
    assert "intrång i Skolplattform" not in text and "Oförändrade visas inte:" in text
    everything = head.client().get(reverse("risks:analysis_compare", args=[analysis.pk]) + "?a=1&b=2&alla=1")
    assert "intrång i Skolplattform" in everything.content.decode()


def test_a_version_never_changes_or_goes_away(analysis, head):
    version = _report(analysis, head.user)
    with pytest.raises(ImmutableError):
        version.save()
    with pytest.raises(ImmutableError):
        version.delete()


def test_it_serves_the_frozen_pdf_only_to_those_who_see_the_whole_analysis(analysis, head, personas):
    version = _report(analysis, head.user)
    url = reverse("risks:version_pdf", args=[version.pk])
    response = head.client().get(url)
    assert response.status_code == 200 and response.content == bytes(version.pdf)
    steward = personas["employee_vaf"].client()
    assert steward.get(reverse("risks:analysis_detail", args=[analysis.pk])).status_code == 200
    assert steward.get(url).status_code == 403
    tab = steward.get(reverse("risks:analysis_detail", args=[analysis.pk]) + "?flik=versioner").content.decode()
    assert "kan bara hämtas av den som ser alla dess system" in tab and url not in tab
    tab = head.client().get(reverse("risks:analysis_detail", args=[analysis.pk]) + "?flik=versioner").content.decode()
    assert url in tab and version.pdf_sha256[:14] in tab
    history = head.client().get(reverse("risks:analysis_detail", args=[analysis.pk]) + "?flik=historik")
    assert history.status_code == 200
    assert steward.get(reverse("risks:analysis_compare", args=[analysis.pk])).status_code == 403
    assert personas["coordinator_vaf"].client().get(url).status_code == 404


def test_it_refuses_to_report_for_one_who_cannot_see_every_system(analysis, personas):
    with pytest.raises(PermissionDenied):
        _report(analysis, personas["employee_vaf"].user)
    assert not Decision.objects.exists()


def test_it_keeps_reported_risks_but_lets_a_mistake_added_later_go(analysis, head):
    _report(analysis, head.user)
    reported = Risk.objects.filter(analysis=analysis).first()
    with pytest.raises(ValidationError, match="rapporterad"):
        services.risk_delete(actor=None, risk=reported)
    mistake = _risk(analysis, reported.system, event="fel")
    services.risk_delete(actor=None, risk=mistake)
    assert not Risk.objects.filter(event="fel").exists()


def test_it_offers_to_remove_only_what_was_added_after_reporting(analysis, head):
    _report(analysis, head.user)
    reported = Risk.objects.filter(analysis=analysis).first()
    added = _risk(analysis, reported.system, event="tillagd efter rapporteringen")
    measure = services.measure_save(
        actor=None,
        analysis=analysis,
        risks=[added],
        title="Ny åtgärd efter rapporteringen",
        kind=get_pack().measure_types[0].key,
        aspects=[],
        due_on=datetime.date(2027, 6, 30),
        status=get_pack().measure_statuses[0].key,
    )
    client = head.client()

    def offers_removal(url, target):
        return target in client.get(url).content.decode()

    assert not offers_removal(
        reverse("risks:risk_detail", args=[reported.pk]), reverse("risks:risk_delete", args=[reported.pk])
    )
    assert offers_removal(reverse("risks:risk_detail", args=[added.pk]), reverse("risks:risk_delete", args=[added.pk]))
    tab = reverse("risks:analysis_detail", args=[analysis.pk]) + "?flik=atgarder"
    assert offers_removal(tab, reverse("risks:measure_delete", args=[measure.pk]))
    assert offers_removal(
        reverse("risks:risk_detail", args=[added.pk]), reverse("risks:measure_delete", args=[measure.pk])
    )


def test_it_rejects_another_board_in_the_form_and_the_service(analysis, head, amal):
    other = amal["units"]["VAF"].governing_board
    assert other != analysis.unit.governing_board
    response = head.client().post(
        reverse("risks:analysis_report", args=[analysis.pk]),
        {"board": other.pk, "meeting_date": "2026-12-01", "paragraph": "1", "diary_number": "2026-00001"},
    )
    assert response.status_code == 200 and "board" in response.context["form"].errors
    with pytest.raises(ValidationError) as refused:
        _report(analysis, head.user, board=other)
    assert "board" in refused.value.message_dict
    assert not Decision.objects.exists() and SecurityAnalysis.objects.get().status == "done"


def test_it_rejects_a_meeting_after_today(analysis, head):
    response = head.client().post(
        reverse("risks:analysis_report", args=[analysis.pk]),
        {
            "board": analysis.unit.governing_board_id,
            "meeting_date": "2026-12-15",
            "paragraph": "1",
            "diary_number": "2026-00001",
        },
    )
    assert response.status_code == 200
    assert "efter dagens datum" in str(response.context["form"].errors["meeting_date"])
    assert not Decision.objects.exists()


def test_the_live_report_is_a_proposal_until_reported_and_again_once_changed(analysis, head, monkeypatch):
    from lis.reports import risk_pdf

    calls = []
    monkeypatch.setattr(risk_pdf, "render_typst", lambda name, data, archival: calls.append(str(data)) or b"%PDF-1.7")
    client = head.client()
    url = reverse("reports:analysis_pdf", args=[analysis.pk])
    client.get(url)
    _report(analysis, head.user)
    client.get(url)
    _risk(analysis, analysis.unit.systems.first(), event="ny")
    client.get(url)
    assert ["2026-00014" in html for html in (calls[0], calls[2], calls[3])] == [False, True, False]


def test_it_starts_next_periods_analysis_in_the_last_months(amal):
    current, following = services.analysis_periods()
    analysis = services.analysis_start(actor=None, unit=amal["units"]["VAF"], period=following)
    assert analysis.period == following and analysis.started_on == datetime.date(2026, 12, 1)
    services.analysis_update(actor=None, analysis=analysis, summary="Förberedelser")
    assert current.ends_on == datetime.date(2026, 12, 31)


def test_the_start_page_offers_next_period_after_the_election(amal, personas):
    client = personas["unit_head_buf"].client()
    current, following = services.analysis_periods()
    page = client.get(reverse("risks:analysis_start")).content.decode()
    assert str(current) in page and str(following) in page
    unit = amal["units"]["BUF"]
    response = client.post(reverse("risks:analysis_start"), {"unit": unit.pk, "period": following.pk})
    assert response.status_code == 302 and SecurityAnalysis.objects.get(unit=unit).period == following
    response = client.post(reverse("plans:plan_start"), {"unit": unit.pk, "period": following.pk})
    assert response.status_code == 302 and unit.plans.get().period == following
