"""The training register: status computation, services, the LMS import, rules, views and demo."""

from __future__ import annotations

import datetime
import io
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from lis.conftest import make_persona
from lis.core.models import ChangeLogEntry
from lis.core.rules import registered_rules
from lis.organisation.models import Person
from lis.training import lms, selectors, services
from lis.training.models import Completion, Course

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=STOCKHOLM)
REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def awareness(db):
    return services.course_create(actor=None, name="Informationssäkerhet", code="IS-GRUND", kind="awareness")


def _complete(person, course, day, user):
    return Completion.objects.create(person=person, course=course, completed_on=day, recorded_by=user)


def _status(person):
    return selectors.with_awareness(Person.objects.filter(pk=person.pk)).get().training_status


# --- status ------------------------------------------------------------------------------------


def test_it_computes_status_around_the_renewal_boundary_and_due_soon_window(personas, awareness):
    employee = personas["employee_vaf"].person
    hr = personas["hr"].user
    assert _status(employee) == selectors.MISSING
    c = _complete(employee, awareness, datetime.date(2024, 12, 1), hr)  # valid to 2026-12-01
    assert _status(employee) == selectors.DUE
    with time_machine.travel(datetime.datetime(2026, 12, 2, 10, 0, tzinfo=STOCKHOLM), tick=False):
        assert _status(employee) == selectors.OVERDUE
    c.completed_on = datetime.date(2025, 1, 29)  # valid to 2027-01-29, 59 days ahead
    c.save()
    assert _status(employee) == selectors.DUE
    assert selectors.training_for(employee)[0].status == selectors.DUE
    c.completed_on = datetime.date(2025, 1, 30)  # valid to 2027-01-30: 60 days ahead
    c.save()
    assert _status(employee) == selectors.VALID
    rows = selectors.training_for(employee)
    assert rows[0].valid_until == datetime.date(2027, 1, 30) and rows[0].status == selectors.VALID


def test_it_lists_system_courses_for_a_steward(personas, awareness, make_system):
    employee = personas["employee_vaf"].person
    system = make_system(system_steward=employee, steward_appointed_on=datetime.date(2026, 1, 1))
    course = services.course_create(actor=None, name="Kurs", code="SYS-1", kind="system", system=system)
    rows = selectors.training_for(employee)
    assert [(r.course, r.status) for r in rows] == [(awareness, "missing"), (course, "missing")]


# --- services ----------------------------------------------------------------------------------


def test_it_rejects_a_completion_by_someone_who_is_not_the_chef(personas, awareness):
    with pytest.raises(PermissionDenied):
        services.completion_register(
            actor=personas["unit_head_buf"].user,
            person=personas["employee_vaf"].person,
            course=awareness,
            completed_on=datetime.date(2026, 11, 1),
        )
    assert not Completion.objects.exists()


def test_it_rejects_a_future_date_naming_the_field(personas, awareness):
    with pytest.raises(ValidationError) as exc:
        services.completion_register(
            actor=personas["hr"].user,
            person=personas["employee_vaf"].person,
            course=awareness,
            completed_on=datetime.date(2026, 12, 2),
        )
    assert "completed_on" in exc.value.message_dict
    assert not Completion.objects.exists()


def test_a_chef_registers_for_their_staff_and_it_is_recorded(personas, awareness, amal):
    staff = make_persona(amal, "larare_buf", unit="BUF", roles=[])
    services.completion_register(
        actor=personas["unit_head_buf"].user,
        person=staff.person,
        course=awareness,
        completed_on=datetime.date(2026, 11, 1),
    )
    assert ChangeLogEntry.objects.filter(object_type="training.completion", action="create").count() == 1


def test_it_rejects_a_course_from_a_unit_head_that_is_not_a_system_course(personas):
    with pytest.raises(PermissionDenied):
        services.course_create(actor=personas["unit_head_buf"].user, name="X", code="X", kind="awareness")


def test_a_unit_manager_keeps_a_system_course_and_history_is_recorded(personas, make_system):
    system = make_system(unit="VAF")
    course = services.course_create(
        actor=personas["coordinator_vaf"].user, name="Kurs", code="SYS-A", kind="system", system=system
    )
    services.course_update(actor=personas["coordinator_vaf"].user, course=course, name="Ny kurs")
    assert ChangeLogEntry.objects.filter(object_type="training.course").count() == 2
    with pytest.raises(PermissionDenied):
        services.course_update(actor=personas["unit_head_buf"].user, course=course, name="Annan")
    with pytest.raises(ValidationError) as exc:
        services.course_create(actor=None, name="Y", code="sys-a", kind="system", system=system)
    assert "code" in exc.value.message_dict


# --- the LMS import ----------------------------------------------------------------------------


def _csv(rows, delimiter=";", bom=True):
    text = "\r\n".join(delimiter.join(r) for r in [["E-post", "Kurskod", "Genomförd"], *rows]) + "\r\n"
    return (("\ufeff" if bom else "") + text).encode()


def _xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["e-post", "KURSKOD", "Genomförd"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_dry_runs_a_csv_with_bom_and_semicolons_without_writing(personas, awareness):
    data = _csv([["employee_vaf@test.invalid", "is-grund", "2026-11-01"]])
    result = lms.run_import(data, user=personas["hr"].user, filename="lms.csv", apply=False)
    assert not result.has_errors and result.created == 1
    assert not Completion.objects.exists()
    result = lms.run_import(data, user=personas["hr"].user, filename="lms.csv", apply=True)
    assert result.applied
    completion = Completion.objects.get()
    assert completion.source == "import" and completion.source_reference == "lms.csv rad 2"
    assert ChangeLogEntry.objects.filter(event="training_import").count() == 1
    again = lms.run_import(data, user=personas["hr"].user, filename="lms.csv", apply=False)
    assert again.unchanged == 1 and again.created == 0


def test_it_reads_xlsx_with_date_cells_and_commas_in_csv(personas, awareness):
    data = _xlsx([["employee_vaf@test.invalid", "IS-GRUND", datetime.datetime(2026, 10, 1)]])
    result = lms.run_import(data, user=personas["hr"].user, filename="lms.xlsx", apply=True)
    assert result.applied and Completion.objects.get().completed_on == datetime.date(2026, 10, 1)
    data = _csv([["hr@test.invalid", "IS-GRUND", "2026-10-02"]], delimiter=",", bom=False)
    assert lms.run_import(data, user=personas["hr"].user, filename="lms.csv", apply=True).applied


def test_it_refuses_every_bad_row_and_writes_nothing(personas, awareness, amal):
    left = make_persona(amal, "slutat", unit="VAF", roles=[])
    Person.objects.filter(pk=left.person.pk).update(ended_on=datetime.date(2026, 6, 1))
    rows = [
        ["employee_vaf@test.invalid", "IS-GRUND", "2026-11-01"],
        ["okand@test.invalid", "IS-GRUND", "2026-11-01"],
        ["hr@test.invalid", "NOPE", "2026-11-01"],
        ["hr@test.invalid", "IS-GRUND", "2026-12-24"],
        ["hr@test.invalid", "IS-GRUND", "1 nov"],
        ["employee_vaf@test.invalid", "IS-GRUND", "2026-11-01"],
        ["slutat@test.invalid", "IS-GRUND", "2026-11-01"],
    ]
    result = lms.run_import(_csv(rows), user=personas["hr"].user, filename="x.csv", apply=True)
    assert not result.applied
    assert [r.action for r in result.rows] == ["new"] + ["error"] * 6
    text = " ".join(result.errors)
    for fragment in ("okand@test.invalid", "NOPE", "framtiden", "inget datum", "rad 2", "slutat"):
        assert fragment in text
    assert not Completion.objects.exists()


@pytest.mark.parametrize(
    "data,name,fragment",
    [
        (b"x" * (6 * 1024 * 1024), "a.csv", "för stor"),
        (b"PK\x03\x04broken", "a.xlsx", "Excel"),
        ("E-post;Kurskod\n".encode("latin-1"), "a.csv", "Genomförd"),
        ("E-post;Kurskod;Genomförd\nå".encode("latin-1"), "a.csv", "UTF-8"),
        (b"abc", "a.xlsm", "makroaktiverad"),
    ],
)
def test_it_refuses_bad_files(personas, data, name, fragment):
    result = lms.run_import(data, user=personas["hr"].user, filename=name, apply=True)
    assert result.file_errors and fragment in " ".join(result.file_errors)


def test_it_refuses_macros_in_xlsx(personas):
    import zipfile

    buffer = io.BytesIO(_xlsx([]))
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("xl/vbaProject.bin", b"x")
    result = lms.run_import(buffer.getvalue(), user=personas["hr"].user, filename="a.xlsx", apply=True)
    assert "makron" in " ".join(result.file_errors)


def test_apply_revalidates_and_refuses_what_changed_since_the_dry_run(personas, awareness):
    client = personas["hr"].client()
    data = _csv([["employee_vaf@test.invalid", "IS-GRUND", "2026-11-01"]])
    response = client.post(reverse("training:import"), {"file": SimpleUploadedFile("l.csv", data)})
    token = response.url.rstrip("/").rsplit("/", 1)[1]
    assert "Ny genomförd" in client.get(response.url).content.decode()
    Course.objects.filter(pk=awareness.pk).update(code="ANNAN")
    response = client.post(reverse("training:import_apply"), {"token": token})
    # The worker applies it (at once under test settings) and refuses the whole file.
    assert response.status_code == 302 and not Completion.objects.exists()
    assert "Importen genomfördes inte. Inget har ändrats." in client.get(response.url).content.decode()


def test_only_hr_and_strategists_import(personas):
    for key, status in [
        ("hr", 200),
        ("strategist", 200),
        ("administrator", 200),
        ("unit_head_buf", 403),
        ("employee_vaf", 403),
    ]:
        assert personas[key].client().get(reverse("training:import")).status_code == status, key


def test_another_users_token_is_not_found(personas, awareness):
    token = lms.PENDING.store(b"x", user=personas["hr"].user, filename="a.csv")
    response = personas["strategist"].client().get(reverse("training:import_review", args=[token]))
    assert response.status_code == 404


# --- rules -------------------------------------------------------------------------------------


def test_pol_3_12_fires_and_clears(personas, make_system):
    rule = registered_rules()["POL-3.12"]
    steward = personas["employee_vaf"].person
    system = make_system(system_steward=steward, steward_appointed_on=datetime.date(2026, 3, 1))
    assert any("saknar en utbildning" in f.message for f in rule())
    course = services.course_create(actor=None, name="K", code="S1", kind="system", system=system)
    _complete(steward, course, datetime.date(2026, 4, 1), personas["hr"].user)
    assert any("daterad" in f.message for f in rule())
    _complete(steward, course, datetime.date(2026, 2, 1), personas["hr"].user)
    assert not [f for f in rule() if system.name in f.message and "utbildning" in f.message]


def test_pol_3_18_fires_and_clears(personas, awareness):
    rule = registered_rules()["POL-3.18"]
    assert any("VA" in f.unit.short_name or f.unit for f in rule())
    for person in Person.objects.filter(kind="employee"):
        _complete(person, awareness, datetime.date(2026, 6, 1), personas["hr"].user)
    assert rule() == []


# --- views -------------------------------------------------------------------------------------

VIEWS = ["training:overview", "training:mine", "training:course_list"]


@pytest.mark.parametrize(
    "key", ["strategist", "hr", "unit_head_buf", "coordinator_vaf", "employee_vaf", "board_member_bun"]
)
def test_every_persona_reads_the_overview_mine_and_courses(personas, awareness, key):
    for name in VIEWS:
        assert personas[key].client().get(reverse(name)).status_code == 200


def test_access_matrix_for_writes(personas, awareness, make_system):
    expected = {
        "strategist": 200,
        "administrator": 200,
        "hr": 200,
        "unit_head_buf": 200,
        "coordinator_vaf": 200,
        "employee_vaf": 403,
        "board_member_bun": 403,
    }
    for key, status in expected.items():
        assert personas[key].client().get(reverse("training:completion_create")).status_code == status, key
    for key, status in {"strategist": 200, "employee_vaf": 403, "hr": 403, "unit_head_buf": 403}.items():
        url = reverse("training:course_edit", args=[awareness.pk])
        assert personas[key].client().get(url).status_code == status, key
    response = (
        personas["employee_vaf"]
        .client()
        .post(
            reverse("training:completion_create"),
            {"person": personas["employee_vaf"].person.pk, "course": awareness.pk, "completed_on": "2026-11-01"},
        )
    )
    assert response.status_code == 403 and not Completion.objects.exists()


def test_a_chef_sees_only_their_staff_and_the_person_tab_follows(personas, awareness, amal):
    staff = make_persona(amal, "larare_buf", unit="BUF", roles=[])
    chef = personas["unit_head_buf"].client()
    content = chef.get(reverse("training:overview")).content.decode()
    assert "Larare Buf" in content and "Employee Vaf" not in content
    tab = reverse("organisation:person_detail", args=[staff.person.pk]) + "?flik=utbildning"
    assert "Genomförda utbildningar" in chef.get(tab).content.decode()
    own = personas["employee_vaf"]
    own_tab = reverse("organisation:person_detail", args=[own.person.pk]) + "?flik=utbildning"
    assert "Genomförda utbildningar" in own.client().get(own_tab).content.decode()
    other = personas["coordinator_vaf"].client().get(tab)
    assert "Genomförda utbildningar" not in other.content.decode()


@pytest.mark.parametrize("extra", [5, 30])
def test_the_overview_has_a_flat_query_count(personas, awareness, amal, extra, django_assert_max_num_queries):
    for index in range(extra):
        person = make_persona(amal, f"p{index}", unit="BUF", roles=[]).person
        if index % 2:
            _complete(person, awareness, datetime.date(2026, 1, 1), personas["hr"].user)
    client = personas["hr"].client()
    with django_assert_max_num_queries(22):
        assert client.get(reverse("training:overview") + "?status=untrained").status_code == 200
    with django_assert_max_num_queries(22):
        assert client.get(reverse("training:overview")).status_code == 200


def test_the_overview_filters_by_status_and_unit(personas, awareness, amal):
    staff = make_persona(amal, "larare_buf", unit="BUF", roles=[]).person
    _complete(staff, awareness, datetime.date(2026, 6, 1), personas["hr"].user)
    client = personas["hr"].client()
    buf = amal["units"]["BUF"].pk
    content = client.get(reverse("training:overview") + f"?enhet={buf}&status=valid").content.decode()
    assert "Larare Buf" in content and "Employee Vaf" not in content
    content = client.get(reverse("training:overview") + "?status=untrained").content.decode()
    assert "Larare Buf" not in content


def test_the_start_page_lines(personas, awareness, amal, rf):
    from lis.core.access import principal_for
    from lis.training.extensions import _attention

    make_persona(amal, "larare_buf", unit="BUF", roles=[])
    request = rf.get("/")
    request.user = personas["unit_head_buf"].user
    request.principal = principal_for(request.user)
    lines = _attention(request)
    assert any(line.group == "mine" and "inte gått" in line.text for line in lines)
    # The chef (untrained too) is not among their own medarbetare: only larare_buf counts.
    assert any(line.group == "responsible" and "1 av dina medarbetare" in line.text for line in lines)


# --- demo --------------------------------------------------------------------------------------


def test_the_demo_export_imports_cleanly_after_load_demo(db):
    from lis.core.models import User
    from lis.organisation.demo import load_demo
    from lis.systems.demo import load_systems_demo
    from lis.training.demo import load_training_demo

    load_demo(generic_people=40)
    load_systems_demo()
    assert "påhittade" in load_training_demo()[0]
    statuses = [p.training_status for p in selectors.with_awareness(Person.objects.filter(kind="employee"))]
    expired = statuses.count("overdue") / len(statuses)
    assert 0.1 <= expired <= 0.3 and "missing" in statuses
    assert any("daterad" in f.message for f in registered_rules()["POL-3.12"]())
    data = (REPO / "demo" / "utbildning-lms-export.csv").read_bytes()
    user = User.objects.get(username="hr")
    dry = lms.run_import(data, user=user, filename="utbildning-lms-export.csv", apply=False)
    assert not dry.has_errors, dry.errors + dry.file_errors
    before = Completion.objects.count()
    result = lms.run_import(data, user=user, filename="utbildning-lms-export.csv", apply=True)
    assert result.applied and Completion.objects.count() == before + len(dry.rows) >= before + 15
