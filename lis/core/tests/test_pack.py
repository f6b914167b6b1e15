"""The policy pack is validated at start-up; a broken pack names the key and the problem."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from lis.core.pack import PackError, PolicyAdoption, load_pack

PACK = Path(settings.LIS_POLICY_PACK)


@pytest.fixture
def pack_copy(tmp_path):
    """A writable copy of the configured pack and its files."""
    for item in PACK.parent.iterdir():
        if item.is_file():
            shutil.copy(item, tmp_path / item.name)
    return tmp_path / PACK.name


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in the pack"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_it_loads_the_default_pack_with_the_policy_s_lists():
    pack = load_pack(PACK)
    assert pack.municipality_code == "1492"
    assert [a.key for a in pack.aspects][:3] == ["K", "R", "T"]
    assert pack.levels[0].name == "Ingen eller försumbar"
    assert len(pack.continuity_sections) == 7
    assert len(pack.required_routines) == 8
    assert [s.name for s in pack.action_plan_sections] == [
        "Digitaliseringsbehov",
        "Behov av administrativa åtgärder",
        "Behov av tekniska skyddsåtgärder",
        "Övergripande tidsplan",
    ]
    assert pack.council_min_meetings_per_year == 4
    assert pack.format_diary_number(year=2026, serial=14) == "2026-00014"
    assert pack.requirement("POL-3.4").kind == "rule"


def test_it_reads_handling_advice_per_level_and_the_people_side_s_numbers():
    pack = load_pack(PACK)
    assert pack.handling_for("2").must_not[0].startswith("Skickas med vanlig e-post")
    assert pack.handling_for("0").must_not == ()
    assert pack.handling_for(None).may == ()
    assert pack.handling_for("9").may == ()  # a level the pack does not know has no advice
    assert (pack.training_awareness_renewal_months, pack.training_max_untrained_percent) == (24, 20)
    assert (pack.exception_max_months, pack.exception_review_before_days, pack.maintenance_notice_days) == (12, 30, 5)


def test_it_takes_risk_levels_from_the_matrix_not_a_formula():
    pack = load_pack(PACK)
    assert pack.risk_level(1, 1).name == "Låg"
    assert pack.risk_level(2, 3).name == "Medelhög"
    assert pack.risk_level(3, 4).name == "Hög"
    assert pack.risk_level(4, 4).name == "Extremt hög"


@pytest.mark.parametrize(
    ("old", "new", "key", "problem"),
    [
        ('municipality_code = "1492"\n', "", "pack.municipality_code", "saknas"),
        ("min_meetings_per_year = 4", 'min_meetings_per_year = "fyra"', "council.min_meetings_per_year", "heltal"),
        (
            '["medium", "high", "high", "extreme"]',
            '["medium", "high", "high", "katastrof"]',
            "risk.matrix[3][3]",
            "ingen risknivå",
        ),
        ('["medium", "high", "high", "extreme"],\n]', "]", "risk.matrix", "en rad per sannolikhet"),
        (
            '{ key = "R", name = "Riktighet"',
            '{ key = "K", name = "Riktighet"',
            "classification.aspects[1].key",
            "mer än en gång",
        ),
        (
            "council = { month = 10, day = 15",
            "council = { month = 2, day = 30",
            "mandate_period.council.day",
            "giltig dag",
        ),
        ('format = "{year}-{serial:05d}"', 'format = "{år}-{serial}"', "diary_number.format", "går inte"),
        ('file = "amal-policy.txt"', 'file = "saknas.txt"', "policy_document.file", "som inte finns"),
        (
            '{ role = "unit_head", max_level = "high" }',
            '{ role = "unit_head", max_level = "hög" }',
            "risk.acceptance[2].max_level",
            "ingen risknivå",
        ),
        ('aspects = ["R", "T"] },', 'aspects = ["X"] },', "risk.threats[0].aspects", "ingen aspekt"),
        ('secrecy_marking = "Uppgifterna', '#secrecy_marking = "', "documents.secrecy_marking", "saknas"),
        ("OSL 18 kap. 8 §", "OSL 18 kap. 8 §" + "x" * 200, "documents.secrecy_marking", "högst 200 tecken"),
        ("OSL 18 kap. 8 §", "OSL\\n18 kap. 8 §", "documents.secrecy_marking", "en rad"),
        ('level = "3"\nmay', 'level = "7"\nmay', "classification.handling[3].level", "ingen nivå"),
        ('level = "3"\nmay', 'level = "2"\nmay', "classification.handling[3].level", "mer än en gång"),
        ("must_not = []", "must_not = [3]", "classification.handling[0].must_not[0]", "text"),
        (
            "awareness_renewal_months = 24",
            "awareness_renewal_months = 0",
            "training.awareness_renewal_months",
            "1 eller",
        ),
        ("max_untrained_percent = 20", "max_untrained_percent = 120", "training.max_untrained_percent", "0–100"),
        ("notice_days = 5", "#notice_days = 5", "maintenance.notice_days", "saknas"),
    ],
)
def test_it_rejects_a_broken_pack_naming_the_key(pack_copy, old, new, key, problem):
    edit(pack_copy, old, new)
    with pytest.raises(PackError) as caught:
        load_pack(pack_copy)
    assert caught.value.key == key
    assert problem in str(caught.value)


def test_it_rejects_a_requirement_of_an_unknown_kind(pack_copy):
    head, requirements = pack_copy.read_text(encoding="utf-8").split("[[requirements]]", 1)
    requirements = re.sub(r'kind = "[^"]+"', 'kind = "önskemål"', requirements, count=1)
    pack_copy.write_text(head + "[[requirements]]" + requirements, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(pack_copy)
    assert caught.value.key == "requirements[0].kind"


def test_it_rejects_a_file_that_is_not_toml(tmp_path):
    broken = tmp_path / "trasig.toml"
    broken.write_text("[pack\nid = ", encoding="utf-8")
    with pytest.raises(PackError, match="inte giltig TOML"):
        load_pack(broken)


def test_it_stops_the_application_when_the_configured_pack_is_broken(pack_copy, settings):
    from lis.core import pack as pack_module

    edit(pack_copy, "min_meetings_per_year = 4", "min_meetings_per_year = true")
    settings.LIS_POLICY_PACK = pack_copy
    pack_module._cached.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="council.min_meetings_per_year"):
            apps.get_app_config("core").ready()
    finally:
        pack_module._cached.cache_clear()


def test_it_reads_the_decision_that_adopted_the_policy_when_the_pack_states_it(pack_copy):
    assert load_pack(pack_copy).policy_adoption is None
    adopted = '[policy_document.adopted]\nboard = "KF"\nmeeting_date = 2021-06-30\nparagraph = 77\n'
    edit(pack_copy, "[reference]", adopted + 'diary_number = "2021-00123"\n\n[reference]')
    assert load_pack(pack_copy).policy_adoption == PolicyAdoption(
        board="KF", meeting_date=datetime.date(2021, 6, 30), paragraph=77, diary_number="2021-00123"
    )
    edit(pack_copy, "\nmeeting_date = 2021-06-30", "\nmeeting_date = 2021-06-30T18:00:00")
    with pytest.raises(PackError) as caught:
        load_pack(pack_copy)
    assert caught.value.key == "policy_document.adopted.meeting_date"
    edit(pack_copy, "\nmeeting_date = 2021-06-30T18:00:00", '\nmeeting_date = "30 juni 2021"')
    with pytest.raises(PackError, match="datum"):
        load_pack(pack_copy)
