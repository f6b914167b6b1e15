"""People from the HR system (issue 14, item 3): `manage.py sync_people` and the same from the UI."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from lis.core import jobs
from lis.core.models import BackgroundJob, ChangeLogEntry
from lis.organisation import hr_sync, services
from lis.organisation.models import Person, Role, RoleAssignment
from lis.organisation.selectors import manager_of

HEADER = "Anställningsnummer;Förnamn;Efternamn;E-post;Enhetskod;Chef;Slutdatum;Skyddad identitet"
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def csv_bytes(*rows: str, header: str = HEADER, bom: bool = False) -> bytes:
    text = "\n".join([header, *rows]) + "\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def run(data: bytes, *, apply: bool = False, end_missing: bool = False, actor=None):
    return hr_sync.run_sync(data, actor=actor, filename="hr.csv", apply=apply, end_missing=end_missing)


def command(tmp_path, data: bytes, *args: str) -> tuple[int, str, str]:
    path = tmp_path / "hr.csv"
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("sync_people", str(path), *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def staff(amal):
    """Two people already in LIS: one with an anställningsnummer, one matched by e-mail."""
    anna = services.person_create(
        actor=None,
        first_name="Anna",
        last_name="Andersson",
        email="anna@test.invalid",
        unit=amal["units"]["VAF"],
        employee_number="2001",
    )
    bo = services.person_create(
        actor=None, first_name="Bo", last_name="Berg", email="Bo.Berg@test.invalid", unit=amal["units"]["BUF"]
    )
    return {"anna": anna, "bo": bo}


def entries() -> int:
    return ChangeLogEntry.objects.count()


# --- the reference organisation's codes ---------------------------------------------------------


def test_it_loads_the_unit_codes_from_the_reference_organisation(amal):
    assert amal["units"]["BUF"].code == "BUF-100"
    assert amal["units"]["IT"].code == "KSF-110"


def test_it_rejects_a_unit_code_used_twice_in_the_reference_file(amal, tmp_path):
    from lis.core.pack import PackError
    from lis.organisation.reference import load_reference_organisation

    path = tmp_path / "org.toml"
    path.write_text(
        '[[units]]\nshort_name = "A"\nname = "A"\ncode = "X-1"\nkind = "unit"\n\n'
        '[[units]]\nshort_name = "B"\nname = "B"\ncode = "X-1"\nkind = "unit"\n',
        encoding="utf-8",
    )
    with pytest.raises(PackError) as exc:
        load_reference_organisation(path)
    assert exc.value.key == "units[1].code"
    assert "X-1" in exc.value.problem


# --- create / update / end / unchanged ------------------------------------------------------------


def test_it_plans_create_update_end_and_unchanged_without_writing(staff):
    before = entries()
    data = csv_bytes(
        "2001;Anna;Andersson;anna@test.invalid;VAF-100;;;nej",
        "2002;Bo;Berg;bo.berg@test.invalid;TFF-100;;;",
        "2003;Cecilia;Ceder;cecilia@test.invalid;BUF-100;2001;;nej",
    )
    result = run(data)
    assert not result.has_errors
    assert [r.action for r in result.rows] == ["unchanged", "update", "create"]
    changes = {c.field: (c.before, c.after) for c in result.rows[1].changes}
    assert changes["employee_number"] == ("–", "2002")
    assert changes["unit"] == ("BUF-100", "TFF-100")
    assert "email" not in changes  # only the case differs
    assert entries() == before
    assert not Person.objects.filter(employee_number__in=["2002", "2003"]).exists()


def test_it_applies_create_update_and_end_through_the_services(staff, personas, amal):
    services.role_assign(
        actor=None, person=staff["anna"], role=Role.SECURITY_COORDINATOR, unit=amal["units"]["VAF"], starts_on=TODAY
    )
    data = csv_bytes(
        "2001;Anna;Andersson;anna@test.invalid;VAF-100;;2026-11-30;nej",
        "2002;Bo;Berg;bo.berg@test.invalid;TFF-100;;;",
        "2003;Cecilia;Ceder;cecilia@test.invalid;BUF-100;2001;;nej",
    )
    result = run(data, apply=True)
    assert result.applied, result.errors + result.file_errors
    staff["anna"].refresh_from_db()
    staff["bo"].refresh_from_db()
    assert staff["anna"].ended_on == datetime.date(2026, 11, 30)
    assert not RoleAssignment.objects.active().filter(person=staff["anna"]).exists()  # person_end ended the role
    assert staff["bo"].employee_number == "2002" and staff["bo"].unit.short_name == "TFF"
    cecilia = Person.objects.get(employee_number="2003")
    assert cecilia.unit.short_name == "BUF" and cecilia.manager == staff["anna"]
    assert ChangeLogEntry.objects.filter(object_type="organisation.person", object_id=str(cecilia.pk)).exists()
    event = ChangeLogEntry.objects.get(event="hr_sync")
    assert event.changes == {"file": "hr.csv", "created": 1, "updated": 1, "ended": 1, "unchanged": 0}


def test_it_reads_an_xlsx_with_excel_dates_and_numbers(staff):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ANSTÄLLNINGSNUMMER", "förnamn", "Efternamn", "E-post", "Enhetskod", "Slutdatum"])
    sheet.append([2001, "Anna", "Andersson", "anna@test.invalid", "VAF-100", datetime.datetime(2026, 12, 31)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = hr_sync.run_sync(buffer.getvalue(), actor=None, filename="hr.xlsx", apply=False)
    assert not result.has_errors, result.errors
    assert result.rows[0].action == "end" and result.rows[0].ends_on == datetime.date(2026, 12, 31)


def test_it_reads_a_comma_separated_file_with_bom(staff):
    data = csv_bytes("2001,Anna,Andersson,anna@test.invalid,VAF-100,,,nej", header=HEADER.replace(";", ","), bom=True)
    result = run(data)
    assert not result.has_errors and result.rows[0].action == "unchanged"


def test_a_second_run_writes_nothing(staff):
    data = csv_bytes(
        "2001;Anna;Andersson;anna@test.invalid;VAF-100;;;nej",
        "2002;Bo;Berg;bo.berg@test.invalid;TFF-100;2003;;",
        "2003;Cecilia;Ceder;cecilia@test.invalid;BUF-100;2001;;ja",
        "2004;Dan;Dal;dan@test.invalid;BUF-100;2001;2026-11-15;",
    )
    assert run(data, apply=True).applied
    before = entries()
    again = run(data, apply=True)
    assert not again.has_errors and not again.applied
    assert {r.action for r in again.rows} == {"unchanged"}
    assert entries() == before


# --- refusals: nothing written ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["2009;Ny;Person;ny@test.invalid;NOPE-1;;;"], "Enhetskod: ingen enhet i LIS har koden NOPE-1"),
        (["2009;Ny;Person;ny@test.invalid;BUF-100;9999;;"], "Chef: anställningsnummer 9999 finns varken"),
        (
            ["2009;Ny;Person;ny@test.invalid;BUF-100;;;", "2009;Ny;Igen;ny2@test.invalid;BUF-100;;;"],
            "Anställningsnummer: 2009 finns redan på rad 3",
        ),
        (
            ["2009;Ny;Person;ny@test.invalid;BUF-100;;;", "2010;Ny;Igen;NY@test.invalid;BUF-100;;;"],
            "E-post: samma e-postadress som rad 3",
        ),
        (["2009;Ny;Person;inte-en-adress;BUF-100;;;"], "E-post: ”inte-en-adress” är ingen giltig e-postadress"),
        (["2009;Ny;Person;ny@test.invalid;BUF-100;;31/12/2026;"], "Slutdatum: ”31/12/2026” är inget datum"),
        (["2009;Ny;Person;ny@test.invalid;BUF-100;;;kanske"], "Skyddad identitet: ”kanske” är varken ja eller nej"),
        ([";Ny;Person;ny@test.invalid;BUF-100;;;"], "Anställningsnummer saknas"),
        (["2009;Ny;Person;ny@test.invalid;BUF-100;2009;;"], "Chef: personen kan inte vara sin egen chef"),
        (["2009;;;ny@test.invalid;BUF-100;;;"], "Förnamn och Efternamn behövs"),
    ],
)
def test_it_rejects_a_bad_row_and_writes_nothing(staff, tmp_path, rows, message):
    before = entries()
    data = csv_bytes("2002;Bo;Berg;bo.berg@test.invalid;TFF-100;;;", *rows)
    result = run(data, apply=True)
    assert result.has_errors and not result.applied
    assert any(message in error for error in result.errors), result.errors
    assert entries() == before
    staff["bo"].refresh_from_db()
    assert staff["bo"].employee_number == ""
    code, out, err = command(tmp_path, data, "--apply")
    assert code == 1 and message in out and "Inget har sparats" in err


def test_it_rejects_a_file_without_the_number_column(staff):
    result = run(csv_bytes("Anna;anna@test.invalid", header="Förnamn;E-post"))
    assert result.file_errors == ["Kolumnen ”Anställningsnummer” saknas i rubrikraden."]


def test_it_rejects_an_e_mail_that_belongs_to_someone_with_another_number(staff):
    result = run(csv_bytes("2999;Anna;Andersson;anna@test.invalid;VAF-100;;;"))
    assert "tillhör en person med anställningsnummer 2001" in result.errors[0]


# --- skyddad identitet ---------------------------------------------------------------------------


def test_it_refuses_to_lift_protection_and_says_hr_does_it_by_hand(staff, tmp_path):
    services.person_update(actor=None, person=staff["anna"], protected_identity=True)
    before = entries()
    data = csv_bytes("2001;Anna;Andersson;anna@test.invalid;VAF-100;;;nej")
    result = run(data, apply=True)
    assert "HR tar bort det för hand i LIS" in result.errors[0]
    assert entries() == before
    staff["anna"].refresh_from_db()
    assert staff["anna"].protected_identity
    code, out, err = command(tmp_path, data)
    assert code == 1 and "Anna" not in out + err and staff["anna"].pseudonym in out


def test_a_protected_person_stays_protected_and_is_pseudonymised_in_the_output(staff, tmp_path):
    services.person_update(actor=None, person=staff["anna"], protected_identity=True)
    data = csv_bytes(
        "2001;Annika;Andersson;annika@test.invalid;BUF-100;;;ja",
        "2005;Hemlig;Hemligsson;hemlig@test.invalid;BUF-100;;;x",
    )
    code, out, err = command(tmp_path, data)
    assert code == 0, out + err
    for secret in ("Anna", "Annika", "Hemlig", "annika@", "hemlig@"):
        assert secret not in out
    assert staff["anna"].pseudonym in out and "Skyddad person (ny)" in out
    code, out, _err = command(tmp_path, data, "--apply")
    assert code == 0 and "Hemlig" not in out and "Annika" not in out
    staff["anna"].refresh_from_db()
    new = Person.objects.get(employee_number="2005")
    assert staff["anna"].protected_identity and staff["anna"].first_name == "Annika"
    assert new.protected_identity
    assert ChangeLogEntry.objects.filter(object_type="organisation.person", object_id=str(new.pk)).exists()


def test_the_history_of_a_synced_protected_person_is_pseudonymised_for_a_chef(staff, personas):
    data = csv_bytes("2005;Hemlig;Hemligsson;hemlig@test.invalid;BUF-100;;;ja")
    assert run(data, apply=True).applied
    new = Person.objects.get(employee_number="2005")
    page = (
        personas["unit_head_buf"]
        .client()
        .get(reverse("organisation:unit_detail", args=[new.unit_id]) + "?flik=historik")
    )
    assert b"Hemlig" not in page.content


# --- chefs ---------------------------------------------------------------------------------------


def test_the_chef_from_hr_drives_manager_of_and_a_chef_later_in_the_file_works(staff, personas):
    data = csv_bytes(
        "2010;Ulla;Underställd;ulla@test.invalid;BUF-100;2011;;",
        "2011;Chris;Chef;chris@test.invalid;BUF-100;;;",
    )
    result = run(data, apply=True)
    assert result.applied
    ulla = Person.objects.get(employee_number="2010")
    chris = Person.objects.get(employee_number="2011")
    assert manager_of(ulla) == chris
    # Chris has no chef from HR: the förvaltningschef of BUF, as before.
    assert manager_of(chris) == personas["unit_head_buf"].person
    # An ended HR chef no longer counts: the unit rule takes over.
    services.person_end(actor=None, person=chris, ended_on=datetime.date(2026, 11, 1))
    assert manager_of(ulla) == personas["unit_head_buf"].person


def test_an_empty_chef_cell_clears_the_chef_from_hr(staff):
    assert run(csv_bytes("2010;Ulla;U;ulla@test.invalid;BUF-100;2001;;"), apply=True).applied
    result = run(csv_bytes("2010;Ulla;U;ulla@test.invalid;BUF-100;;;"), apply=True)
    assert result.applied and Person.objects.get(employee_number="2010").manager is None


# --- --end-missing ---------------------------------------------------------------------------------


def test_end_missing_ends_people_with_a_number_who_are_not_in_the_file(staff, tmp_path):
    data = csv_bytes("2002;Bo;Berg;bo.berg@test.invalid;BUF-100;;;")
    code, out, _err = command(tmp_path, data, "--end-missing")
    assert code == 0 and "Saknas i filen (2001, Anna Andersson): Slutar" in out
    staff["anna"].refresh_from_db()
    assert staff["anna"].ended_on is None  # a dry run
    without = run(data)
    assert [r.employee_number for r in without.rows] == ["2002"]
    code, out, _err = command(tmp_path, data, "--apply", "--end-missing")
    assert code == 0
    staff["anna"].refresh_from_db()
    assert staff["anna"].ended_on == TODAY


# --- the command -----------------------------------------------------------------------------------


def test_the_command_prints_a_swedish_summary_and_exits_0_on_a_dry_run(staff, tmp_path):
    code, out, _err = command(tmp_path, csv_bytes("2003;Cecilia;Ceder;cecilia@test.invalid;BUF-100;;;"))
    assert code == 0
    assert "Rad 2 (2003, Cecilia Ceder): Ny person" in out
    assert "Personer från HR-systemet: 1 nya, 0 ändrade, 0 slutar, 0 oförändrade, 0 fel." in out
    assert "Provkörning: inget har sparats" in out
    assert not Person.objects.filter(employee_number="2003").exists()


def test_the_command_exits_1_on_an_unreadable_file(db, tmp_path):
    code, _out, err = command(tmp_path, b"\xff\xfe\x00bad")
    assert code == 1 and "Fel:" in err


# --- the UI --------------------------------------------------------------------------------------


def upload(client, data: bytes, **extra):
    return client.post(
        reverse("organisation:hr_sync"), {"file": SimpleUploadedFile("hr.csv", data, "text/csv"), **extra}
    )


@pytest.mark.parametrize("key", ["unit_head_buf", "coordinator_vaf", "strategist", "employee_vaf"])
def test_the_ui_is_forbidden_to_others_than_hr_and_administrators(personas, key):
    client = personas[key].client()
    assert client.get(reverse("organisation:hr_sync")).status_code == 403
    assert upload(client, csv_bytes("2003;C;C;c@test.invalid;BUF-100;;;")).status_code == 403
    assert client.post(reverse("organisation:hr_sync_apply"), {"token": "0" * 32}).status_code == 403
    assert client.get(reverse("organisation:hr_sync_review", args=["0" * 32])).status_code == 403
    assert b"hr_sync" not in client.get(reverse("organisation:person_list")).content
    assert reverse("organisation:hr_sync").encode() not in client.get(reverse("organisation:person_list")).content


@pytest.mark.parametrize("key", ["hr", "administrator"])
def test_hr_and_administrators_upload_review_and_apply(personas, staff, key):
    client = personas[key].client()
    assert reverse("organisation:hr_sync").encode() in client.get(reverse("organisation:person_list")).content
    assert client.get(reverse("organisation:hr_sync")).status_code == 200
    response = upload(client, csv_bytes("2003;Cecilia;Ceder;cecilia@test.invalid;BUF-100;2001;;"), end_missing="on")
    assert response.status_code == 302 and response.url.endswith("?slut=1")
    review = client.get(response.url)
    assert review.status_code == 200
    assert "Personer från HR-systemet: 1 nya, 0 ändrade, 1 slutar" in review.content.decode()
    assert not Person.objects.filter(employee_number="2003").exists()
    token = response.url.split("/")[-2]
    done = client.post(reverse("organisation:hr_sync_apply"), {"token": token, "end_missing": "1"})
    # Applied by the worker (at once under test settings); the job page tells what it did.
    job = BackgroundJob.objects.get(kind=hr_sync.APPLY_JOB)
    assert done.status_code == 302 and done.url == reverse("core:job", args=[job.pk])
    assert job.params == {"token": token, "end_missing": True, "_access": job.params["_access"]}
    page = client.get(done.url).content.decode()
    assert "Inläsningen är genomförd" in page
    assert "Personer från HR-systemet: 1 nya, 0 ändrade, 1 slutar" in page
    assert reverse("organisation:person_list") in page
    for other in ("strategist", "hr" if key == "administrator" else "coordinator_vaf"):
        assert personas[other].client().get(done.url).status_code == 404, other
    assert Person.objects.get(employee_number="2003").manager == staff["anna"]
    staff["anna"].refresh_from_db()
    assert staff["anna"].ended_on == TODAY
    entry = ChangeLogEntry.objects.get(event="hr_sync")
    assert entry.user_id == personas[key].user.pk
    # The token is spent.
    assert client.post(reverse("organisation:hr_sync_apply"), {"token": token}).status_code == 404


def test_the_ui_shows_the_errors_and_the_apply_checks_again(personas, staff):
    client = personas["hr"].client()
    response = upload(client, csv_bytes("2003;Cecilia;Ceder;cecilia@test.invalid;NOPE;;;"))
    review = client.get(response.url)
    assert "Enhetskod: ingen enhet i LIS har koden NOPE" in review.content.decode()
    assert b"hr_sync_apply" not in review.content
    # A file fine at review but broken by a change in LIS before the apply: 409, nothing written.
    response = upload(client, csv_bytes("2003;Cecilia;Ceder;cecilia@test.invalid;BUF-100;2001;;"))
    services.person_update(actor=None, person=staff["anna"], employee_number="2999")
    before = entries()
    token = response.url.split("/")[-2]
    done = client.post(reverse("organisation:hr_sync_apply"), {"token": token})
    assert done.status_code == 302 and entries() == before
    page = client.get(done.url).content.decode()
    assert "Inläsningen genomfördes inte. Inget har ändrats." in page
    assert 'class="error-summary"' in page
    assert BackgroundJob.objects.get(kind=hr_sync.APPLY_JOB).status == BackgroundJob.Status.DONE


def test_the_apply_job_checks_the_access_again_when_it_runs(personas, staff):
    # Queued for someone who (no longer) may read HR files: the worker refuses, nothing is written.
    user = personas["coordinator_vaf"].user
    token = hr_sync.PENDING.store(
        csv_bytes("2003;Cecilia;Ceder;cecilia@test.invalid;BUF-100;2001;;"), user=user, filename="hr.csv"
    )
    before = entries()
    job = jobs.request_document(user=user, kind=hr_sync.APPLY_JOB, params={"token": token, "end_missing": False})
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error_message == "Bara administratörer och HR läser in personer från HR-systemet."
    assert entries() == before and not Person.objects.filter(employee_number="2003").exists()


def test_the_upload_form_refuses_an_unreadable_file(personas):
    response = upload(personas["hr"].client(), b"Namn;Adress\nA;B\n")
    assert response.status_code == 200
    assert "Hittar ingen rubrikrad med kolumnen ”Anställningsnummer”." in response.content.decode()


# --- the person and unit pages --------------------------------------------------------------------


def test_the_employee_number_shows_to_those_who_manage_and_of_a_protected_person_only_to_hr(staff, personas, amal):
    buf_person = services.person_create(
        actor=None, first_name="Sam", last_name="Skola", unit=amal["units"]["BUF"], employee_number="3001"
    )
    url = reverse("organisation:person_detail", args=[buf_person.pk])
    assert b"3001" in personas["unit_head_buf"].client().get(url).content
    assert b"3001" in personas["hr"].client().get(url).content
    services.person_update(actor=None, person=buf_person, protected_identity=True)
    assert b"3001" not in personas["unit_head_buf"].client().get(url).content
    assert b"3001" in personas["hr"].client().get(url).content
    unit_url = reverse("organisation:unit_detail", args=[amal["units"]["BUF"].pk])
    assert b"BUF-100" in personas["unit_head_buf"].client().get(unit_url).content
    assert b"BUF-100" not in personas["employee_vaf"].client().get(unit_url).content


def test_hr_sets_the_employee_number_and_chef_on_the_person_form(staff, personas):
    client = personas["hr"].client()
    url = reverse("organisation:person_edit", args=[staff["bo"].pk])
    form = client.get(url)
    assert form.status_code == 200 and b"employee_number" in form.content
    data = {
        "first_name": "Bo",
        "last_name": "Berg",
        "kind": "employee",
        "unit": staff["bo"].unit_id,
        "email": staff["bo"].email,
        "employee_number": "2001",
        "manager": staff["anna"].pk,
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the number is taken
    assert "Det finns redan en person med det anställningsnumret." in response.content.decode()
    data["employee_number"] = "2002"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    staff["bo"].refresh_from_db()
    assert staff["bo"].employee_number == "2002" and staff["bo"].manager == staff["anna"]


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_file_has_no_errors_after_load_demo_and_applies(db, tmp_path):
    from lis.organisation.demo import load_demo

    load_demo()
    data = (Path(settings.BASE_DIR) / "demo" / "hr-export.csv").read_bytes()
    result = hr_sync.run_sync(data, actor=None, filename="hr-export.csv", apply=False)
    assert not result.has_errors, result.errors + result.file_errors
    counts = result.counts
    assert counts["created"] >= 2 and counts["updated"] >= 3 and counts["ended"] == 1 and counts["unchanged"] >= 3
    assert "Skyddad Demoperson" not in "\n".join(r.line() for r in result.rows)
    applied = hr_sync.run_sync(data, actor=None, filename="hr-export.csv", apply=True)
    assert applied.applied
    again = hr_sync.run_sync(data, actor=None, filename="hr-export.csv", apply=False)
    assert not again.has_errors and not again.writes
