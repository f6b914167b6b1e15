"""The report documents per clock: a tagged PDF (PDF/UA) that parses and holds the fields the
recipient asks for, filled from the incident; IMY gets the GDPR art. 33.3 facts, CERT-SE the
early warning, notification and final report; protected identities are pseudonymised."""

from __future__ import annotations

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pypdf
import pytest
import time_machine

from lis.conftest import make_persona
from lis.incidents import services
from lis.incidents.documents import clock_report_content, clock_report_pdf
from lis.organisation.models import Role

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 3, 3, 10, 0, tzinfo=STOCKHOLM)


def text_of(pdf: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages))


@pytest.fixture
def breach(personas, make_system, amal):
    protected = make_persona(
        amal, "skyddad", unit="VAF", roles=[(Role.SECURITY_COORDINATOR, "VAF", None)], protected=True
    )
    with time_machine.travel(NOW, tick=False):
        system = make_system("VAF", name="Elevregistret")
        incident = services.incident_report(
            actor=personas["employee_vaf"].user,
            description="En lista med elevers personnummer skickades till fel mottagare.",
            noticed_at=NOW - datetime.timedelta(hours=2),
            occurred_at=NOW - datetime.timedelta(hours=3),
            system=system,
            personal_data="yes",
        )
        services.incident_triage(
            actor=personas["strategist"].user,
            incident=incident,
            category="Angrepp",
            severity="high",
            handler=protected.person,
            systems=[system],
        )
        services.incident_update(
            actor=personas["strategist"].user,
            incident=incident,
            data_subject_categories="Elever",
            data_subjects_approx=120,
            record_categories="Personnummer",
            records_approx=120,
            likely_consequences="Risk för identitetsstöld.",
            measures_taken="Mottagaren har raderat mejlet.",
            data_subjects_informed="planned",
        )
        for key in ("gdpr", "nis2"):
            services.clock_answer(actor=personas["strategist"].user, incident=incident, key=key, triggered=True)
        incident.refresh_from_db()
        yield {"incident": incident, "protected": protected}


def test_the_imy_report_is_a_tagged_pdf_with_the_gdpr_fields(breach):
    with time_machine.travel(NOW, tick=False):
        pdf = clock_report_pdf(clock_report_content(breach["incident"], "gdpr"))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    text = text_of(pdf)
    for expected in (
        "Integritetsskyddsmyndigheten",
        breach["incident"].number,
        "2026-03-03 07:00",  # occurred
        "2026-03-03 08:00",  # noticed
        "Kategorier av registrerade",
        "Elever",
        "120",
        "Personnummer",
        "Risk för identitetsstöld.",
        "Mottagaren har raderat mejlet.",
        "Planeras",
        "senast 2026-03-06 08:00",
    ):
        assert expected in text, expected


def test_the_cert_se_report_has_the_early_warning_notification_and_final_report(breach):
    with time_machine.travel(NOW, tick=False):
        text = text_of(clock_report_pdf(clock_report_content(breach["incident"], "nis2")))
    for expected in (
        "CERT-SE",
        "Tidig varning",
        "Incidentanmälan",
        "Slutrapport",
        "Elevregistret",
        "Ja, misstänks",  # category Angrepp
        "gränsöverskridande",
        "senast 2026-03-04 08:00",
    ):
        assert expected in text, expected


def test_a_protected_handler_is_pseudonymised_in_the_report(breach):
    with time_machine.travel(NOW, tick=False):
        text = text_of(clock_report_pdf(clock_report_content(breach["incident"], "gdpr")))
    person = breach["protected"].person
    assert person.last_name not in text and person.pseudonym in text


def test_what_was_typed_prints_as_written(breach, personas):
    typed = '#panic("x") *fet* $x$ <b>x</b> ] [ bak\\snedstreck'
    with time_machine.travel(NOW, tick=False):
        services.incident_update(
            actor=personas["strategist"].user,
            incident=breach["incident"],
            description=f"Beskrivning {typed}",
            likely_consequences=f"Konsekvens {typed}",
        )
        breach["incident"].refresh_from_db()
        reader = pypdf.PdfReader(io.BytesIO(clock_report_pdf(clock_report_content(breach["incident"], "gdpr"))))
    text = re.sub(r"\s+", "", " ".join(page.extract_text() for page in reader.pages))  # a line may wrap anywhere
    for expected in (f"Beskrivning {typed}", f"Konsekvens {typed}"):
        assert re.sub(r"\s+", "", expected) in text, expected
    assert b"<pdfuaid:part>1</pdfuaid:part>" in reader.xmp_metadata.stream.get_data()


def test_the_report_template_carries_no_inline_style_the_csp_would_refuse():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "templates" / "incidents"
    for template in folder.glob("*.html"):
        text = template.read_text()
        assert "<style" not in text and "style=" not in text, template.name
