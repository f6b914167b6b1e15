"""Decisions and diarienummer in the pack's format (BIL1-5; Åmål: 2026-00014, one series per board)."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from lis.core.models import ChangeLogEntry
from lis.core.pack import get_pack
from lis.plans import services
from lis.plans.forms import DecisionForm
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
        meeting_date=datetime.date(2026, 11, 10),
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
            meeting_date=datetime.date(2026, 11, 10),
            paragraph=42,
            diary_number="dnr 14",
            subject="x",
        )
    assert "2026-00014" in caught.value.message_dict["diary_number"][0]
    assert not Decision.objects.exists()


def test_it_rejects_a_board_that_does_not_govern_the_unit_and_writes_nothing(amal):
    unit = amal["units"]["BUF"]
    other = next(
        u.governing_board for u in amal["units"].values() if u.governing_board_id not in (None, unit.governing_board_id)
    )
    before = ChangeLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.decision_record(
            actor=None,
            unit=unit,
            board=other,
            meeting_date=datetime.date(2026, 11, 10),
            paragraph=1,
            diary_number="2026-00001",
            subject="Handlingsplan",
        )
    assert unit.governing_board.name in refused.value.message_dict["board"][0]
    assert not Decision.objects.exists() and ChangeLogEntry.objects.count() == before


def test_it_rejects_a_meeting_after_today_and_writes_nothing(amal):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC), tick=False):
        with pytest.raises(ValidationError) as refused:
            services.decision_record(
                actor=None,
                unit=amal["units"]["BUF"],
                board=amal["units"]["BUF"].governing_board,
                meeting_date=datetime.date(2026, 12, 15),
                paragraph=1,
                diary_number="2026-00001",
                subject="Handlingsplan",
            )
    assert "efter dagens datum" in refused.value.message_dict["meeting_date"][0]
    assert not Decision.objects.exists()


def test_the_form_offers_only_the_governing_board(amal):
    unit = amal["units"]["BUF"]
    form = DecisionForm(unit=unit)
    assert list(form.fields["board"].queryset) == [unit.governing_board]
    assert len(DecisionForm().fields["board"].queryset) > 1
