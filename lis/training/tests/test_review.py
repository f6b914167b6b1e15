"""Defects a review found in the training register, each with the test that would have caught
it: a protected identity's unit in the overview, system names in the catalogue, correcting one's
own training, POL-3.12's link, one awareness line, the chef among their staff, the import's
queries, the shared spreadsheet check and the shared calendar-month arithmetic."""

from __future__ import annotations

import datetime
import io
import zipfile
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from lis.conftest import make_persona
from lis.core import clock, uploads
from lis.core.access import principal_for
from lis.core.models import ChangeLogEntry
from lis.core.rules import registered_rules
from lis.reports import register_xlsx
from lis.training import lms, selectors, services
from lis.training.models import Completion, Course

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=STOCKHOLM)
DAY = datetime.date(2026, 11, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def awareness(db):
    return services.course_create(actor=None, name="Informationssäkerhet", code="IS-GRUND", kind="awareness")


def _complete(person, course, day, user, source=Completion.Source.MANUAL):
    return Completion.objects.create(person=person, course=course, completed_on=day, source=source, recorded_by=user)


def _request(rf, persona):
    request = rf.get("/")
    request.user = persona.user
    request.principal = principal_for(persona.user)
    return request


# --- 1. a protected identity's unit ------------------------------------------------------------


def test_the_overview_does_not_reveal_a_protected_identitys_unit(personas, awareness, amal):
    hidden = make_persona(amal, "aaa_skyddad", unit="BUF", roles=[], protected=True).person
    colleague = make_persona(amal, "bbb_larare", unit="BUF", roles=[]).person
    p = principal_for(personas["strategist"].user)
    buf = amal["units"]["BUF"]
    # The unit filter does not list them under their unit …
    in_buf = list(selectors.staff_overview(p, unit=buf).values_list("pk", flat=True))
    assert colleague.pk in in_buf and hidden.pk not in in_buf
    # … and the order does not put them among their unit's people: withheld identities come last.
    everyone = list(selectors.staff_overview(p).values_list("pk", flat=True))
    assert everyone[-1] == hidden.pk
    content = personas["strategist"].client().get(reverse("training:overview") + f"?enhet={buf.pk}").content.decode()
    assert "Bbb Larare" in content
    assert reverse("organisation:person_detail", args=[hidden.pk]) not in content
    # HR sees protected identities and the person where they work.
    hr = principal_for(personas["hr"].user)
    assert hidden.pk in selectors.staff_overview(hr, unit=buf).values_list("pk", flat=True)


# --- 2. system names in the catalogue ----------------------------------------------------------


def test_the_catalogue_shows_a_system_course_only_to_those_who_see_the_system(personas, awareness, make_system):
    system = make_system(unit="VAF", name="Hemligt ekonomisystem")
    course = services.course_create(actor=None, name="Ekonomikurs", code="EK-1", kind="system", system=system)
    outsider = personas["unit_head_buf"].client()
    content = outsider.get(reverse("training:course_list")).content.decode()
    assert "Informationssäkerhet" in content
    assert "Hemligt ekonomisystem" not in content and "Ekonomikurs" not in content
    assert outsider.get(reverse("training:course_list") + "?q=Hemligt").content.decode().count("EK-1") == 0
    assert outsider.get(reverse("training:course_detail", args=[course.pk])).status_code == 404
    for key in ("coordinator_vaf", "strategist"):
        client = personas[key].client()
        assert "Hemligt ekonomisystem" in client.get(reverse("training:course_list")).content.decode(), key
        detail = client.get(reverse("training:course_detail", args=[course.pk])).content.decode()
        assert reverse("systems:system_detail", args=[system.pk]) in detail, key


@pytest.mark.parametrize("extra", [5, 30])
def test_the_filtered_catalogue_keeps_a_flat_query_count(
    personas, awareness, make_system, extra, django_assert_max_num_queries
):
    seen, unseen = make_system(unit="BUF", name="Skolsystem"), make_system(unit="VAF", name="Ekonomi")
    for index in range(extra):
        services.course_create(
            actor=None, name=f"Kurs {index}", code=f"K{index}", kind="system", system=seen if index % 2 else unseen
        )
    client = personas["unit_head_buf"].client()
    with django_assert_max_num_queries(12):
        content = client.get(reverse("training:course_list")).content.decode()
    assert "Skolsystem" in content and "Ekonomi<" not in content


def test_a_chef_sees_a_staff_members_system_course_without_a_link_they_cannot_follow(
    personas, awareness, make_system, amal
):
    staff = make_persona(amal, "larare_buf", unit="BUF", roles=[]).person
    system = make_system(unit="VAF", name="Ekonomi", system_steward=staff)
    course = services.course_create(actor=None, name="Ekonomikurs", code="EK-1", kind="system", system=system)
    url = reverse("organisation:person_detail", args=[staff.pk]) + "?flik=utbildning"
    content = personas["unit_head_buf"].client().get(url).content.decode()
    assert "Ekonomikurs" in content
    assert reverse("training:course_detail", args=[course.pk]) not in content
    assert (
        reverse("training:course_detail", args=[course.pk]) in personas["strategist"].client().get(url).content.decode()
    )


# --- 3. one's own training ---------------------------------------------------------------------


def test_it_rejects_a_chef_registering_their_own_system_training(personas, make_system):
    chef = personas["unit_head_buf"]
    system = make_system(unit="BUF", system_steward=chef.person, steward_appointed_on=datetime.date(2026, 3, 1))
    course = services.course_create(actor=None, name="K", code="S1", kind="system", system=system)
    with pytest.raises(PermissionDenied, match="din egen utbildning"):
        services.completion_register(
            actor=chef.user, person=chef.person, course=course, completed_on=datetime.date(2026, 1, 1)
        )
    assert not Completion.objects.exists()
    p = principal_for(chef.user)
    assert not selectors.can_register_completion(p, chef.person)
    assert chef.person not in selectors.registrable_staff(p)


@pytest.mark.parametrize("key", ["hr", "strategist", "administrator", "coordinator_vaf"])
def test_it_rejects_correcting_or_removing_ones_own_completion(personas, awareness, key):
    persona = personas[key]
    completion = _complete(persona.person, awareness, DAY, personas["hr"].user)
    p = principal_for(persona.user)
    assert not selectors.can_edit_completion(p, completion)
    assert not selectors.can_remove_completion(p, completion)
    with pytest.raises(PermissionDenied, match="din egen utbildning"):
        services.completion_register(actor=persona.user, person=persona.person, course=awareness, completed_on=DAY)
    with pytest.raises(PermissionDenied, match="din egen utbildning"):
        services.completion_update(actor=persona.user, completion=completion, completed_on=datetime.date(2026, 10, 1))
    with pytest.raises(PermissionDenied, match="din egen utbildning"):
        services.completion_delete(actor=persona.user, completion=completion, reason="Fel")
    completion.refresh_from_db()
    assert completion.completed_on == DAY
    assert personas[key].client().get(reverse("training:completion_delete", args=[completion.pk])).status_code == 403


# --- 4. POL-3.12's link ------------------------------------------------------------------------


def test_the_pol_3_12_course_link_is_followed_by_who_may_create_the_course(personas, make_system):
    steward = personas["employee_vaf"]
    system = make_system(unit="VAF", system_steward=steward.person)
    finding = next(f for f in registered_rules()["POL-3.12"]() if system.name in f.message)
    assert finding.link == reverse("training:course_create")
    for key, allowed in [("employee_vaf", False), ("coordinator_vaf", True), ("strategist", True)]:
        p = principal_for(personas[key].user)
        assert finding.may_follow(p) is allowed, key
        assert selectors.can_create_course(p) is allowed, key
    assert steward.client().get(reverse("training:course_create")).status_code == 403


# --- 5. one awareness line ---------------------------------------------------------------------


def test_two_awareness_courses_give_one_row_with_the_best_status(personas, awareness, rf):
    other = services.course_create(actor=None, name="Informationssäkerhet 2", code="IS-2", kind="awareness")
    person = personas["employee_vaf"].person
    rows = [r for r in selectors.training_for(person) if r.course.kind == Course.Kind.AWARENESS]
    assert len(rows) == 1 and rows[0].status == selectors.MISSING
    lines = [line for line in registered_attention(rf, personas["employee_vaf"]) if line.group == "mine"]
    assert len(lines) == 1
    _complete(person, other, DAY, personas["hr"].user)
    _complete(person, awareness, datetime.date(2024, 1, 1), personas["hr"].user)
    rows = [r for r in selectors.training_for(person) if r.course.kind == Course.Kind.AWARENESS]
    assert [(r.course.pk, r.status, r.completed_on) for r in rows] == [(other.pk, selectors.VALID, DAY)]
    assert not [line for line in registered_attention(rf, personas["employee_vaf"]) if line.group == "mine"]


def registered_attention(rf, persona):
    from lis.training.extensions import _attention

    return _attention(_request(rf, persona))


# --- 6. the chef is not among their staff ------------------------------------------------------


def test_the_chef_is_not_counted_among_their_own_staff(personas, awareness, amal, rf):
    staff = make_persona(amal, "larare_buf", unit="BUF", roles=[]).person
    _complete(staff, awareness, DAY, personas["hr"].user)
    lines = registered_attention(rf, personas["unit_head_buf"])
    assert any(line.group == "mine" for line in lines)  # the chef's own training is missing …
    assert not [line for line in lines if line.group == "responsible"]  # … but not a staff member's


# --- 7. the import's queries -------------------------------------------------------------------


def _rows(amal, awareness, count):
    people = [make_persona(amal, f"person_{i}", unit="BUF", roles=[]).person for i in range(count)]
    return [(person, awareness, DAY, f"fil.csv rad {i + 2}") for i, person in enumerate(people)]


@pytest.mark.parametrize("count", [5, 30])
def test_the_import_writes_the_completions_in_one_insert_without_a_check_per_row(personas, awareness, amal, count):
    rows = _rows(amal, awareness, count)
    with CaptureQueriesContext(connection) as queries:
        created = services.completions_import(actor=personas["hr"].user, rows=rows, filename="fil.csv")
    touching = [q["sql"] for q in queries.captured_queries if "training_completion" in q["sql"]]
    assert len(touching) == 1 and touching[0].startswith("INSERT")
    assert len(created) == count == Completion.objects.count()
    assert all(c.pk for c in created)
    entries = ChangeLogEntry.objects.filter(
        action=ChangeLogEntry.Action.CREATE, object_type="training.completion", object_id__in=[c.pk for c in created]
    )
    assert entries.count() == count


def test_the_import_writes_nothing_when_a_completion_was_registered_since_the_plan(personas, awareness, amal):
    rows = _rows(amal, awareness, 3)
    _complete(rows[1][0], awareness, DAY, personas["hr"].user)
    with pytest.raises(ValidationError, match="sedan granskningen"):
        services.completions_import(actor=personas["hr"].user, rows=rows, filename="fil.csv")
    assert Completion.objects.count() == 1
    assert not ChangeLogEntry.objects.filter(object_type__icontains="completion", action="create").exists()


def test_the_import_rejects_a_future_date_and_writes_nothing(personas, awareness, amal):
    rows = _rows(amal, awareness, 2)
    rows[1] = (rows[1][0], awareness, datetime.date(2027, 1, 1), "fil.csv rad 3")
    with pytest.raises(ValidationError, match="rad 3: datumet kan inte ligga i framtiden"):
        services.completions_import(actor=personas["hr"].user, rows=rows, filename="fil.csv")
    assert not Completion.objects.exists()


# --- 8. one spreadsheet check ------------------------------------------------------------------


def _xlsx(extra: str | None = None) -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(["E-post", "Kurskod", "Genomförd"])
    workbook.save(buffer)
    if extra:
        with zipfile.ZipFile(buffer, "a") as archive:
            archive.writestr(extra, b"x")
    return buffer.getvalue()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<x/>")
        archive.writestr("xl/workbook.xml", b"\0" * (60 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "allow_csv", "fragment"),
    [
        (b"x" * 2048, "a.csv", True, "Filen är för stor"),
        (b"abc", "a.xlsm", True, "makroaktiverad eller äldre Excel-fil (.xlsm). Spara den som .xlsx eller .csv"),
        (b"abc", "a.XLS", False, "makroaktiverad eller äldre Excel-fil (.XLS). Spara den som Excel-arbetsbok"),
        (b"E-post;Kurskod\n", "a.xlsx", False, "Filen är ingen Excel-arbetsbok (.xlsx). Exportera"),
        ("E-post\nå".encode("latin-1"), "a.csv", True, "UTF-8"),
        (b"\x00\x01", "a.csv", True, "varken en Excel-arbetsbok"),
        (_xlsx("xl/vbaProject.bin"), "a.xlsx", True, "innehåller makron"),
        (b"PK\x03\x04broken", "a.xlsx", False, "kunde inte läsas som en Excel-arbetsbok"),
    ],
)
def test_check_spreadsheet_refuses_bad_files_with_a_swedish_message(data, name, allow_csv, fragment):
    with pytest.raises(uploads.RefusedSpreadsheet) as caught:
        uploads.check_spreadsheet(
            data,
            name,
            max_bytes=len(data) - 1 if data == b"x" * 2048 else 1024 * 1024,
            allow_csv=allow_csv,
            not_xlsx_hint="Exportera.",
        )
    assert fragment in caught.value.message


def test_check_spreadsheet_refuses_a_zip_bomb():
    with pytest.raises(uploads.RefusedSpreadsheet):
        uploads.check_spreadsheet(_bomb(), "a.xlsx", max_bytes=10 * 1024 * 1024)


def test_check_spreadsheet_tells_xlsx_from_csv_by_content():
    assert uploads.check_spreadsheet(_xlsx(), "lms.csv", allow_csv=True) == "xlsx"
    assert uploads.check_spreadsheet(b"E-post;Kurskod\n", "lms.xlsx", allow_csv=True) == "csv"
    assert uploads.check_spreadsheet(_xlsx(), "forteckning.xlsx") == "xlsx"


@override_settings(LIS_IMPORT_MAX_BYTES=10 * 1024)
def test_both_imports_use_the_shared_check():
    for check in (lms.check_file, register_xlsx.check_file):
        with pytest.raises(Exception) as caught:
            check(b"x" * 20 * 1024, "a.xlsx")
        assert "Filen är för stor" in caught.value.messages[0]
        with pytest.raises(Exception) as caught:
            check(_xlsx("xl/vbaProject.bin"), "a.xlsx")
        assert "innehåller makron" in caught.value.messages[0]
    assert not hasattr(lms, "REFUSED_SUFFIXES") and not hasattr(register_xlsx, "REFUSED_SUFFIXES")
    assert lms.max_upload_bytes() == register_xlsx.max_upload_bytes() == uploads.spreadsheet_max_bytes() == 10 * 1024


# --- 9. calendar months ------------------------------------------------------------------------


def test_training_uses_the_shared_add_months():
    assert selectors.add_months is clock.add_months
    assert selectors.valid_until(Course(kind=Course.Kind.OTHER, renewal_months=1), datetime.date(2026, 1, 31)) == (
        datetime.date(2026, 2, 28)
    )
    assert clock.add_months(datetime.date(2026, 3, 31), -1) == datetime.date(2026, 2, 28)
