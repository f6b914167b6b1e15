"""Helpers for the riskmatris tests: an analysis of BUF with a high and a low risk and one
overdue measure, more risks on demand, and readers for the workbook and the PDF."""

from __future__ import annotations

import datetime
import io
import re

import pypdf

from lis.risks import services
from lis.risks.models import SecurityAnalysis

TODAY = datetime.datetime(2026, 11, 28, 10, 0, tzinfo=datetime.UTC)


def build_analysis(amal, make_system, personas) -> SecurityAnalysis:
    """BUF's analysis: Skolplattform with a Hög risk (residual Medelhög) treated by an overdue
    measure, and Elevhälsa, stewarded by employee_vaf, with a Låg risk."""
    analysis = services.analysis_start(actor=None, unit=amal["units"]["BUF"], started_on=datetime.date(2026, 2, 1))
    stewarded = make_system(unit="BUF", name="Elevhälsa", system_steward=personas["employee_vaf"].person)
    platform = make_system(unit="BUF", name="Skolplattform")
    high = services.risk_create(
        actor=None,
        analysis=analysis,
        system=platform,
        threat="phishing",
        cause="en lärare luras",
        event="=obehörig loggar in",  # must stay text in Excel, never a formula
        consequence_text="elevuppgifter röjs",
        aspects=["K", "R"],
        likelihood=3,
        consequence=4,
        existing_protection="+lösenordspolicy",
        owner=personas["unit_head_buf"].person,
        treatment="reduce",
        treatment_motivation="@MFA minskar sannolikheten",
        residual_likelihood=1,
        residual_consequence=4,
    )
    services.risk_create(
        actor=None,
        analysis=analysis,
        system=stewarded,
        cause="ingen säkerhetskopia",
        event="journaler försvinner",
        consequence_text="vården av elever försvåras",
        aspects=["T"],
        likelihood=1,
        consequence=1,
    )
    services.measure_save(
        actor=None,
        analysis=analysis,
        risks=[high],
        title="Inför tvåfaktorsinloggning",
        kind="technical",
        status="in_progress",
        responsible=personas["unit_head_buf"].person,
        due_on=datetime.date(2026, 10, 1),
    )
    return analysis


def add_risks(analysis: SecurityAnalysis, make_system, count: int) -> None:
    """`count` more systems, each with a risk and a measure treating it."""
    for n in range(count):
        system = make_system(unit="BUF", name=f"System {n}")
        risk = services.risk_create(
            actor=None,
            analysis=analysis,
            system=system,
            cause="orsak",
            event=f"händelse {n}",
            consequence_text="konsekvens",
            aspects=["K"],
            likelihood=4,
            consequence=4,
        )
        services.measure_save(
            actor=None,
            analysis=analysis,
            risks=[risk],
            title=f"Åtgärd {n}",
            kind="technical",
            status="done",
            completion_note="Införd.",
        )


def sheet_rows(sheet) -> list[dict]:
    """The data rows under the column headers (the first row starting with System or Åtgärd)."""
    rows = list(sheet.iter_rows())
    header = next(i for i, row in enumerate(rows) if row[0].value in ("System", "Åtgärd", "LIS-id"))
    names = [cell.value for cell in rows[header]]
    return [
        {name: cell for name, cell in zip(names, row, strict=False)}
        for row in rows[header + 1 :]
        if any(cell.value is not None for cell in row)
    ]


def pdf_text(content: bytes) -> tuple[pypdf.PdfReader, str]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return reader, re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
