"""Decisions and diarienummer in the pack's format (BIL1-5; Åmål: 2026-00014, one series per board)."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core.exceptions import ValidationError

from lis.core.models import ChangeLogEntry
from lis.core.pack import get_pack
from lis.plans import services
from lis.plans.models import Decision


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2026-00014", (2026, 14)), (" 2026-14 ", (2026, 14)), ("2025-123456", (2025, 123456))],
)
def test_it_reads_a_diary_number_in_the_packs_format(text, expected):
    assert get_pack().parse_diary_number(text) == expected


@pytest.mark.parametrize("text", ["", "2026", "2026-", "26-00014", "2026-00000", "KS 2026/14", "2026-00014x"])
def test_it_rejects_a_diary_number_in_another_format(text):
    with pytest.raises(ValueError):
        get_pack().parse_diary_number(text)


def test_it_reads_a_format_that_names_the_board():
    pack = dataclasses.replace(get_pack(), diary_number_format="{board} {year}/{serial}")
    assert pack.parse_diary_number("KS 2026/123", board="KS") == (2026, 123)
    assert pack.parse_diary_number("ks  2026/123", board="KS") == (2026, 123)
    with pytest.raises(ValueError):
        pack.parse_diary_number("BUN 2026/123", board="KS")  # another board's series
    assert pack.format_diary_number(year=2026, serial=123, board="KS") == "KS 2026/123"


def test_it_records_a_decision_in_the_boards_series(amal):
    board = amal["units"]["BUF"].governing_board
    decision = services.decision_record(
        actor=None,
        board=board,
        meeting_date=datetime.date(2026, 12, 10),
        paragraph=42,
        diary_number="2026-14",
        subject="Informationssäkerhetsanalys",
    )
    assert decision.diary_number == "2026-00014"
    assert decision.diary_series == board.short_name
    assert ChangeLogEntry.objects.filter(action="create", object_type="plans.decision").count() == 1


def test_it_rejects_a_malformed_diary_number_with_an_example_and_writes_nothing(amal):
    board = amal["units"]["BUF"].governing_board
    with pytest.raises(ValidationError) as caught:
        services.decision_record(
            actor=None,
            board=board,
            meeting_date=datetime.date(2026, 12, 10),
            paragraph=42,
            diary_number="dnr 14",
            subject="x",
        )
    assert "2026-00014" in caught.value.message_dict["diary_number"][0]
    assert not Decision.objects.exists()
