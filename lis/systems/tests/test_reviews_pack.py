"""The pack's review intervals (issue 15, item 3): read and validated, a bad value stops the
pack with a message naming the key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings

from lis.core.pack import PackError, load_pack

PACK = Path(settings.LIS_POLICY_PACK)
KEYS = {
    "continuity": ("review_interval_months = 12", "continuity.review_interval_months"),
    "routines": ("review_interval_months = 24", "routines.review_interval_months"),
    "classification": ("review_interval_months = 48", "classification.review_interval_months"),
    "systems": ("documentation_review_interval_months = 12", "systems.documentation_review_interval_months"),
}


@pytest.fixture
def pack_copy(tmp_path):
    for item in PACK.parent.iterdir():
        if item.is_file():
            shutil.copy(item, tmp_path / item.name)
    return tmp_path / PACK.name


def _replace_in_table(path: Path, table: str, old: str, new: str) -> None:
    """Replace `old` with `new` inside the [table] section only (several tables share key names)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"\n[{table}]\n")
    end = text.find("\n[", start + 1)
    section = text[start:end]
    assert old in section, f"{old!r} not in [{table}]"
    path.write_text(text[:start] + section.replace(old, new, 1) + text[end:], encoding="utf-8")


def test_it_reads_every_review_interval_of_the_default_pack():
    pack = load_pack(PACK)
    assert (
        pack.routine_review_interval_months,
        pack.continuity_review_interval_months,
        pack.classification_review_interval_months,
        pack.system_documentation_review_interval_months,
        pack.agreement_review_interval_months,
    ) == (24, 12, 48, 12, 12)


@pytest.mark.parametrize("table", list(KEYS))
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "ska vara ett antal månader, 1–120."),
        ("-6", "ska vara ett antal månader, 1–120."),
        ("121", "ska vara ett antal månader, 1–120."),
        ('"tolv"', "ska vara ett heltal, men är 'tolv'."),
        ("true", "ska vara ett heltal, inte True."),
        ("1.5", "ska vara ett heltal, men är 1.5."),
    ],
)
def test_it_refuses_a_bad_review_interval_naming_the_key(pack_copy, table, value, problem):
    line, key = KEYS[table]
    name = line.split(" = ")[0]
    _replace_in_table(pack_copy, table, line, f"{name} = {value}")
    with pytest.raises(PackError) as refused:
        load_pack(pack_copy)
    assert (refused.value.key, refused.value.problem) == (key, problem)
    assert str(refused.value) == f"Policypaketet: '{key}' {problem}"


def test_it_refuses_a_bad_agreement_review_interval(pack_copy):
    _replace_in_table(pack_copy, "agreements", "review_interval_months = 12", "review_interval_months = 0")
    with pytest.raises(PackError) as refused:
        load_pack(pack_copy)
    assert refused.value.key == "agreements.review_interval_months"


def test_a_pack_without_the_new_intervals_keeps_the_defaults(pack_copy):
    _replace_in_table(pack_copy, "classification", "review_interval_months = 48\n", "")
    _replace_in_table(pack_copy, "agreements", "review_interval_months = 12\n", "")
    _replace_in_table(pack_copy, "systems", "documentation_review_interval_months = 12\n", "")
    pack = load_pack(pack_copy)
    assert (
        pack.classification_review_interval_months,
        pack.system_documentation_review_interval_months,
        pack.agreement_review_interval_months,
    ) == (48, 12, 12)


def test_the_routine_and_continuity_intervals_stay_required(pack_copy):
    _replace_in_table(pack_copy, "routines", "review_interval_months = 24\n", "")
    with pytest.raises(PackError) as refused:
        load_pack(pack_copy)
    assert (refused.value.key, refused.value.problem) == ("routines.review_interval_months", "saknas.")


def test_a_review_interval_changed_in_the_pack_changes_the_next_review(settings, pack_copy, make_system):
    """The date is computed, not stored: a kommun that shortens the interval sees it at once."""
    from lis.core.pack import _cached

    system = make_system()
    base = system.documentation_review_base
    _replace_in_table(
        pack_copy, "systems", "documentation_review_interval_months = 12", "documentation_review_interval_months = 6"
    )
    settings.LIS_POLICY_PACK = pack_copy
    _cached.cache_clear()
    try:
        from lis.core.clock import add_months

        assert system.documentation_review_due == add_months(base, 6)
    finally:
        settings.LIS_POLICY_PACK = PACK
        _cached.cache_clear()
