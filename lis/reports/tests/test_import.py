"""Import of the register from the exported layout: dry run, all-or-nothing apply, safety."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from django.urls import reverse

from lis.core import uploads
from lis.core.models import ChangeLogEntry
from lis.reports import register_xlsx
from lis.systems.models import InformationSystem

from .helpers import SHEET, data_rows, edited, export, headers, load, row_of, token_of, upload


def _review(client, content: bytes, name: str = "forteckning.xlsx"):
    token = token_of(upload(client, content, name))
    return token, client.get(reverse("reports:register_import_review", args=[token]))


def _apply(client, token: str):
    return client.post(reverse("reports:register_import_apply"), {"token": token})


def _job_page(client, response) -> str:
    """The apply runs on the worker (immediately under test settings): its job page."""
    assert response.status_code == 302 and response["Location"].startswith("/dokument/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


def _state():
    """Everything an import could write."""
    return (
        ChangeLogEntry.objects.exclude(action="event").count(),
        list(InformationSystem.objects.order_by("pk").values()),
    )


def _comparable(content: bytes):
    sheet = load(content)
    return [
        [cell.value for cell in row] for row in sheet.iter_rows() if row[0].row not in (4, 5)
    ]  # Datum and Exporterad av differ between exports


@pytest.mark.parametrize("persona", ["strategist", "administrator", "coordinator_vaf"])
def test_it_round_trips_export_import_export_without_changes(register, personas, persona):
    client = personas[persona].client()
    first = export(client)
    token, review = _review(client, first)
    content = review.content.decode()
    assert review.status_code == 200
    assert "<td>Oförändrad</td>" in content and "Nya: 0. Ändras: 0. Oförändrade:" in content
    assert "Inget att importera: alla rader är oförändrade." in content
    assert "Genomför importen" not in content
    before = ChangeLogEntry.objects.count()
    page = _job_page(client, _apply(client, token))
    assert "Inget ändrades: alla rader var oförändrade." in page
    assert ChangeLogEntry.objects.count() == before  # no create, no update, no import event
    assert _comparable(export(client)) == _comparable(first)


def test_it_updates_an_edited_cell_and_records_the_change(register, personas):
    client = personas["coordinator_vaf"].client()
    vaf = register["vaf"]
    content = edited(
        export(client),
        {
            (vaf.pk, "Beskrivning"): "Ny beskrivning",
            (vaf.pk, "Systemägare"): "molnbolaget ab",
            (vaf.pk, "Driftsform"): "Hybrid",
            (vaf.pk, "Taggar"): "Omsorg,  mobil",
        },
    )
    token, review = _review(client, content)
    assert "Ändras: Beskrivning, Systemägare, Driftsform, Taggar" in review.content.decode()
    assert InformationSystem.objects.get(pk=vaf.pk).description != "Ny beskrivning"  # the dry run wrote nothing
    assert "Genomför importen" in review.content.decode()
    page = _job_page(client, _apply(client, token))
    assert "Importen är genomförd: 0 nya system och 1 ändrat system." in page
    assert f'href="{reverse("systems:system_list")}"' in page
    vaf.refresh_from_db()
    assert (vaf.description, vaf.system_owner, vaf.operating_model, vaf.tags) == (
        "Ny beskrivning",
        register["cloud"],
        "hybrid",
        "mobil, omsorg",
    )
    entry = ChangeLogEntry.objects.get(
        action="update",
        object_type="systems.informationsystem",
        object_id=str(vaf.pk),
        user=personas["coordinator_vaf"].user,
    )
    assert entry.user == personas["coordinator_vaf"].user
    assert entry.changes["description"][1] == "Ny beskrivning"
    assert entry.changes["system_owner"] == [register["vendor"].pk, register["cloud"].pk]
    event = ChangeLogEntry.objects.get(event="import")
    assert event.changes == {
        "format": "xlsx",
        "report": "register",
        "rows": 1,
        "created": 0,
        "updated": 1,
        "unchanged": 0,
    }
    assert event.request_id == entry.request_id
    assert not list((register_xlsx.PENDING.directory()).glob("*"))  # the upload is gone after apply


def test_it_creates_a_system_from_a_new_row(register, personas, amal):
    client = personas["unit_head_buf"].client()
    content = edited(
        export(client),
        {},
        append=[
            {
                "Namn": "Elevhälsans journal",
                "Förvaltning/bolag": "Barn- och utbildningsförvaltningen",
                "Status": "under anskaffning",
                "Systemägare": "Leverantören AB",
                "Systemansvarig": "Barn- och utbildningsnämnden",
                "Systemförvaltare": "Unit Head Buf Testsson",
                "Driftsform": "Leverantörens drift",
                "Personuppgifter": "Ja",
                "Känsliga personuppgifter": "ja",
                "Sekretess": "Nej",
                "Brukare": "Inga brukare",
                "Taggar": "elevhälsa",
            }
        ],
    )
    token, review = _review(client, content)
    assert "<td>Ny</td>" in review.content.decode()
    assert _apply(client, token).status_code == 302
    system = InformationSystem.objects.get(name="Elevhälsans journal")
    assert system.unit == amal["units"]["BUF"]
    assert system.status == "procurement" and system.operating_model == "vendor_hosted"
    assert system.accountable_board is None  # the nämnd of the förvaltning: left implicit, as the form does
    assert system.system_steward == personas["unit_head_buf"].person
    assert (system.personal_data, system.sensitive_personal_data, system.no_consumers) == (True, True, True)
    assert ChangeLogEntry.objects.filter(
        action="create", object_type="systems.informationsystem", object_id=str(system.pk)
    ).exists()


def test_it_lists_every_problem_per_row_and_column_in_swedish_and_writes_nothing(register, personas, amal):
    client = personas["strategist"].client()
    vaf, buf = register["vaf"], register["buf"]
    content = edited(
        export(client),
        {
            (vaf.pk, "Systemägare"): "Acme AB",
            (vaf.pk, "Ansvarig chef"): "Ingen Alls",
            (vaf.pk, "Status"): "Påhittad",
            (vaf.pk, "Sekretess"): "Kanske",
            (vaf.pk, "Förvaltare utsedd"): "första mars",
            (vaf.pk, "K"): 1,
            (buf.pk, "Sekretess"): "Ja",  # without a lagrum: the service's own validation
            (buf.pk, "Användare"): "Lärare",
        },
        append=[
            {"LIS-id": 999999, "Namn": "Finns inte"},
            {"Namn": "", "Beskrivning": "Ett namnlöst system", "Förvaltning/bolag": "Skatteverket"},
        ],
    )
    before = _state()
    _token, review = _review(client, content)
    page = review.content.decode()
    sheet = load(content)
    rows = {row["LIS-id"] or row["Beskrivning"]: number for number, row in enumerate(data_rows(sheet), start=8)}
    result = register_xlsx.run_import(content, user=personas["strategist"].user, apply=False)
    messages = [str(issue) for issue in result.errors]
    v, b = rows[vaf.pk], rows[buf.pk]
    assert b < v  # Barn- och utbildningsförvaltningen sorts first
    assert messages == [
        f"Rad {b}, kolumn Lagrum: Ange lagrummet för sekretessen (t.ex. 26 kap. 1 § OSL).",
        f"Rad {v}, kolumn Status: ”Påhittad” är ingen status. Välj en av: Under anskaffning, I drift, "
        "Under avveckling, Avvecklad.",
        f"Rad {v}, kolumn Systemägare: Det finns ingen part som heter ”Acme AB”. Lägg upp parten först.",
        f"Rad {v}, kolumn Ansvarig chef: ”Ingen Alls” är ingen aktiv person som du kan välja.",
        f"Rad {v}, kolumn Förvaltare utsedd: Skriv datumet som ÅÅÅÅ-MM-DD.",
        f"Rad {v}, kolumn Sekretess: Skriv Ja eller Nej.",
        f"Rad {rows[999999]}, kolumn LIS-id: Det finns inget system med LIS-id 999999 som du har behörighet till.",
        f"Rad {rows['Ett namnlöst system']}, kolumn Förvaltning/bolag: Det finns ingen förvaltning och inget bolag som "
        "heter ”Skatteverket” där du får registrera system.",
        f"Rad {rows['Ett namnlöst system']}, kolumn Namn: Ange systemets namn.",
    ]
    assert [str(issue) for issue in result.notices] == [
        f"Rad {b}, kolumn Användare: Användargrupper ändras i LIS, inte via import; ändringen importerades inte.",
        f"Rad {v}, kolumn K: Klassningen ändras i LIS och fastställs där, inte via import; ”1” importerades inte.",
    ]
    for message in messages:
        assert message.replace("”", "&#x201D;") in page or message in page
    assert "Genomför importen" not in page
    assert _state() == before


def test_it_applies_all_or_nothing(register, personas):
    client = personas["strategist"].client()
    vaf, buf = register["vaf"], register["buf"]
    good = edited(export(client), {(vaf.pk, "Beskrivning"): "Ändrad"})
    token, review = _review(client, good)
    assert "Genomför importen" in review.content.decode()
    # Before the apply, the file on disk is swapped for one whose second row the service refuses.
    bad = edited(good, {(buf.pk, "Sekretess"): "Ja"})
    data_path, _meta = register_xlsx.PENDING._paths(token)
    data_path.write_bytes(bad)
    before = _state()
    # The good row is written before the bad one is refused, and then rolled back with it.
    planned = register_xlsx.run_import(bad, user=personas["strategist"].user, apply=True)
    assert [(row.action, bool(row.errors)) for row in planned.rows] == [("update", True), ("update", False)]
    assert not planned.applied and _state() == before
    page = _job_page(client, _apply(client, token))
    assert "Importen genomfördes inte. Inget har ändrats." in page
    assert "Ange lagrummet för sekretessen" in page
    assert _state() == before
    assert not ChangeLogEntry.objects.filter(event="import").exists()
    assert _apply(client, token).status_code == 404  # the upload is gone: upload again


def _formula(content: bytes) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    workbook[SHEET]["C8"] = "=A8*2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _with_entry(content: bytes, name: str, data: bytes = b"\0" * 64) -> bytes:
    """The workbook's zip with `name` added, or replaced by `data`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item, source.read(item.filename))
        target.writestr(name, data)
    return buffer.getvalue()


def _macro_content_type(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
            target.writestr(item, data)
    return buffer.getvalue()


def _without_header(content: bytes, header: str) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook[SHEET]
    sheet.cell(row=7, column=headers(sheet)[header]).value = None
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


BAD_FILES = {
    "pdf": (
        lambda c: b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n",
        "forteckning.xlsx",
        "Filen är ingen Excel-arbetsbok (.xlsx).",
    ),
    "text": (lambda c: b"LIS-id;Namn\n1;System\n", "forteckning.xlsx", "Filen är ingen Excel-arbetsbok"),
    "xlsm_name": (lambda c: c, "forteckning.xlsm", "Filen är en makroaktiverad eller äldre Excel-fil (.xlsm)."),
    "xls_name": (lambda c: c, "forteckning.xls", "Spara den som Excel-arbetsbok (.xlsx)"),
    "macro": (lambda c: _with_entry(c, "xl/vbaProject.bin"), "forteckning.xlsx", "Arbetsboken innehåller makron"),
    "macro_type": (_macro_content_type, "forteckning.xlsx", "Arbetsboken innehåller makron"),
    "formula": (_formula, "forteckning.xlsx", "Cell C8 innehåller en formel; formler importeras inte."),
    "broken_zip": (lambda c: c[:400], "forteckning.xlsx", "Filen kunde inte läsas som en Excel-arbetsbok."),
    "zip_not_xlsx": (lambda c: _docx(), "forteckning.xlsx", "Filen kunde inte läsas som en Excel-arbetsbok."),
    "broken_xml": (
        lambda c: _with_entry(c, "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row"),
        "forteckning.xlsx",
        "Filen kunde inte läsas som en Excel-arbetsbok.",
    ),
    "no_header": (
        lambda c: _without_header(c, "LIS-id"),
        "forteckning.xlsx",
        "Hittar ingen rubrikrad med kolumnerna ”LIS-id” och ”Namn”.",
    ),
    "missing_column": (
        lambda c: _without_header(c, "Systemägare"),
        "forteckning.xlsx",
        "Kolumnen ”Systemägare” saknas i rubrikraden (rad 7).",
    ),
}


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _stored_uploads(media_root) -> list:
    return list((media_root / "imports").glob("*")) if (media_root / "imports").exists() else []


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_it_rejects_a_bad_file_with_a_swedish_message_and_writes_nothing(register, personas, media_root, case):
    make, name, message = BAD_FILES[case]
    client = personas["strategist"].client()
    content = make(export(client))
    before = _state()
    response = upload(client, content, name)
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x201D;", "”")
    assert _stored_uploads(media_root) == []
    assert _state() == before


def test_it_rejects_an_oversized_file(register, personas, settings, media_root):
    settings.LIS_IMPORT_MAX_BYTES = 1024
    client = personas["strategist"].client()
    before = _state()
    response = upload(client, export(client))
    assert "Filen är för stor" in response.content.decode() and "högst 1,0" in response.content.decode()
    assert _stored_uploads(media_root) == [] and _state() == before


def test_it_rejects_a_zip_bomb_and_too_many_rows(register, personas, monkeypatch, media_root):
    client = personas["strategist"].client()
    content = export(client)
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 200_000)
    bomb = _with_entry(content, "xl/media/zeros.bin", b"\0" * 300_000)
    assert len(bomb) < 20_000  # it packs small and unpacks large
    assert "packas upp till mer än" in upload(client, bomb).content.decode()
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
    monkeypatch.setattr(register_xlsx, "MAX_ROWS", 1)
    assert "Filen har fler än 1 rader med system" in upload(client, content).content.decode()
    assert _stored_uploads(media_root) == []


def test_it_refuses_a_densely_packed_workbook_by_the_shared_zip_limits_without_inflating_it(
    register, personas, monkeypatch, media_root
):
    client = personas["strategist"].client()
    bomb = _with_entry(export(client), "xl/media/zeros.bin", b"\0" * (2 * 1024 * 1024))
    before = _state()

    def never(*args, **kwargs):
        raise AssertionError("a member was inflated")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", never)
    response = upload(client, bomb)
    assert "Filen är ovanligt hårt packad (mer än 100 gånger) och läses inte in." in response.content.decode()
    assert _stored_uploads(media_root) == [] and _state() == before


def test_it_refuses_a_token_of_another_user(register, personas):
    owner = personas["strategist"].client()
    vaf = register["vaf"]
    token, _review_page = _review(owner, edited(export(owner), {(vaf.pk, "Beskrivning"): "Kapad"}))
    other = personas["administrator"].client()
    before = _state()
    assert other.get(reverse("reports:register_import_review", args=[token])).status_code == 404
    response = _apply(other, token)
    assert response.status_code == 404 and "Importen finns inte" in response.content.decode()
    assert _state() == before
    for bad in ("../../etc/passwd", token.upper(), token + "0", "", "x" * 32):
        assert _apply(owner, bad).status_code == 404
    response = _apply(owner, token)
    assert response.status_code == 302  # still the owner's to apply
    for persona in ("coordinator_vaf", "it_manager"):  # the job is the owner's (and administrators') alone
        assert personas[persona].client().get(response["Location"]).status_code == 404
    assert "Importen är genomförd" in _job_page(owner, response)
    vaf.refresh_from_db()
    assert vaf.description == "Kapad"


def test_it_refuses_import_to_who_manages_no_forvaltning(register, personas):
    for persona in ("employee_vaf", "board_member_bun", "it_manager", "representative_tff"):
        client = personas[persona].client()
        assert client.get(reverse("reports:register_import")).status_code == 403, persona
        assert _apply(client, "0" * 32).status_code == 403, persona


def test_it_keeps_a_coordinator_to_their_own_forvaltning(register, personas, amal):
    client = personas["coordinator_vaf"].client()
    buf = register["buf"]
    content = edited(
        export(client),
        {},
        append=[
            {"LIS-id": buf.pk, "Namn": "Skolplattformen", "Förvaltning/bolag": "Barn- och utbildningsförvaltningen"},
            {"Namn": "Smygsystem", "Förvaltning/bolag": "Barn- och utbildningsförvaltningen"},
        ],
    )
    before = _state()
    messages = [
        str(i) for i in register_xlsx.run_import(content, user=personas["coordinator_vaf"].user, apply=True).errors
    ]
    assert messages == [
        f"Rad 9, kolumn LIS-id: Det finns inget system med LIS-id {buf.pk} som du har behörighet till.",
        "Rad 10, kolumn Förvaltning/bolag: Det finns ingen förvaltning och inget bolag som heter "
        "”Barn- och utbildningsförvaltningen” där du får registrera system.",
    ]
    assert _state() == before


def test_it_resolves_a_pseudonym_only_to_a_protected_person(register, personas):
    client = personas["strategist"].client()
    buf = register["buf"]
    protected, ordinary = register["protected"], personas["employee_vaf"].person
    content = edited(
        export(client),
        {
            (buf.pk, "Ansvarig chef"): f"Skyddad person {protected.pk}",
            (buf.pk, "Systemförvaltare"): f"Skyddad person {ordinary.pk}",
        },
    )
    row = row_of(load(content), buf.pk)
    result = register_xlsx.run_import(content, user=personas["strategist"].user, apply=False)
    assert [str(i) for i in result.errors] == [
        f"Rad {row}, kolumn Systemförvaltare: ”Skyddad person {ordinary.pk}” är ingen aktiv person som du kan välja."
    ]
    # Nor does the real name of a skyddad identitet find them for who may not know it (POL-3.30).
    content = edited(content, {(buf.pk, "Ansvarig chef"): "Hemlig Chef", (buf.pk, "Systemförvaltare"): None})
    result = register_xlsx.run_import(content, user=personas["strategist"].user, apply=False)
    assert [str(i) for i in result.errors] == [
        f"Rad {row}, kolumn Ansvarig chef: ”Hemlig Chef” är ingen aktiv person som du kan välja."
    ]


def _unit_head_people(register, personas, amal):
    """Names a BUF unit head may not choose, and one protected BUF person they may."""
    from lis.organisation import services as organisation_services

    own = organisation_services.person_create(
        actor=None, first_name="Dold", last_name="Rektor", unit=amal["units"]["BUF"], protected_identity=True
    )
    refused = {
        "protected person of another unit": f"Skyddad person {register['protected'].pk}",
        "protected person of another unit by name": "Hemlig Chef",
        "person of another unit": str(personas["employee_vaf"].person),
        "nonexistent id": "Skyddad person 999999",
    }
    return own, refused


@pytest.mark.parametrize(
    "case",
    [
        "protected person of another unit",
        "protected person of another unit by name",
        "person of another unit",
        "nonexistent id",
    ],
)
def test_it_rejects_people_the_system_form_does_not_offer_with_one_message(register, personas, amal, case):
    unit_head = personas["unit_head_buf"]
    buf = register["buf"]
    _own, refused = _unit_head_people(register, personas, amal)
    name = refused[case]
    content = edited(export(unit_head.client()), {(buf.pk, "Ansvarig chef"): name, (buf.pk, "Systemförvaltare"): name})
    row = row_of(load(content), buf.pk)
    before = _state()
    result = register_xlsx.run_import(content, user=unit_head.user, apply=True)
    message = f"”{name}” är ingen aktiv person som du kan välja."
    assert [str(i) for i in result.errors] == [
        f"Rad {row}, kolumn Ansvarig chef: {message}",
        f"Rad {row}, kolumn Systemförvaltare: {message}",
    ]
    assert _state() == before


def test_it_accepts_exactly_the_people_the_system_form_offers(register, personas, amal):
    from lis.core import access
    from lis.systems.forms import SystemForm

    unit_head = personas["unit_head_buf"]
    buf = register["buf"]
    own, refused = _unit_head_people(register, personas, amal)
    form = SystemForm(instance=buf, principal=access.principal_for(unit_head.user))
    offered = set(form.fields["responsible_manager"].queryset)
    assert own in offered and register["protected"] not in offered
    assert personas["employee_vaf"].person not in offered
    content = edited(
        export(unit_head.client()),
        {(buf.pk, "Ansvarig chef"): f"Skyddad person {own.pk}", (buf.pk, "Systemförvaltare"): str(unit_head.person)},
    )
    result = register_xlsx.run_import(content, user=unit_head.user, apply=True)
    assert not result.errors
    buf.refresh_from_db()
    assert (buf.responsible_manager, buf.system_steward) == (own, unit_head.person)


def test_it_shows_the_upload_form(personas):
    response = personas["coordinator_vaf"].client().get(reverse("reports:register_import"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_it_refuses_an_ambiguous_person_name(register, personas, amal):
    from lis.organisation import services as organisation_services

    for unit in ("VAF", "BUF"):
        organisation_services.person_create(
            actor=None, first_name="Anna", last_name="Svensson", unit=amal["units"][unit]
        )
    client = personas["strategist"].client()
    buf = register["buf"]
    content = edited(export(client), {(buf.pk, "Systemförvaltare"): "anna  svensson"})
    result = register_xlsx.run_import(content, user=personas["strategist"].user, apply=False)
    assert [str(i) for i in result.errors] == [
        f"Rad {row_of(load(content), buf.pk)}, kolumn Systemförvaltare: Flera aktiva personer heter "
        "”anna  svensson”. Välj personen i LIS i stället."
    ]


def test_it_moves_a_system_keeping_the_systemansvarig_the_sheet_names(register, personas, amal):
    client = personas["strategist"].client()
    buf = register["buf"]  # systemansvarig: implicitly Barn- och utbildningsnämnden
    content = edited(export(client), {(buf.pk, "Förvaltning/bolag"): "VAF"})
    assert register_xlsx.run_import(content, user=personas["strategist"].user, apply=True).applied
    buf.refresh_from_db()
    assert buf.unit == amal["units"]["VAF"]
    assert buf.accountable_board == amal["boards"]["BUN"]  # what the sheet said, now explicit
    again = {row["LIS-id"]: row for row in data_rows(load(export(client)))}[buf.pk]
    assert (again["Förvaltning/bolag"], again["Systemansvarig"]) == (
        "Välfärds- och arbetsmarknadsförvaltningen",
        "Barn- och utbildningsnämnden",
    )
