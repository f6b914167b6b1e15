"""Helpers for the Excel tests: download, read, edit and upload register workbooks."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Del 1 – Systemförteckning"


def export(client, query: str = "") -> bytes:
    response = client.get(reverse("reports:register_export") + query)
    assert response.status_code == 200, response.status_code
    return response.content


def load(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))[SHEET]


def headers(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[7] if cell.value}


def data_rows(sheet) -> list[dict]:
    names = {column: header for header, column in headers(sheet).items()}
    return [
        {names[c.column]: c.value for c in row if c.column in names}
        for row in sheet.iter_rows(min_row=8)
        if any(c.value is not None for c in row)
    ]


def row_of(sheet, system_id: int) -> int:
    id_column = headers(sheet)["LIS-id"]
    for row in sheet.iter_rows(min_row=8):
        if row[id_column - 1].value == system_id:
            return row[0].row
    raise AssertionError(f"no row for {system_id}")


def edited(content: bytes, changes: dict[tuple[int | None, str], object], *, append: list[dict] | None = None):
    """The workbook with cells changed: (system id, header) → value; `append` adds rows."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook[SHEET]
    columns = headers(sheet)
    for (system_id, header), value in changes.items():
        sheet.cell(row=row_of(sheet, system_id), column=columns[header]).value = value
    for values in append or []:
        row = sheet.max_row + 1
        for header, value in values.items():
            sheet.cell(row=row, column=columns[header]).value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(client, content: bytes, name: str = "forteckning.xlsx"):
    return client.post(
        reverse("reports:register_import"), {"file": SimpleUploadedFile(name, content, content_type=XLSX)}
    )


def token_of(response) -> str:
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"].rstrip("/").rsplit("/", 1)[1]
