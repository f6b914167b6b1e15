"""The register import is applied by the worker (issue 15, item 5): the apply starts a job, the
job page shows what was created and updated or why nothing was, the job re-checks the person's
access and their stored upload, and only they (and administrators) see it."""

from __future__ import annotations

from django.urls import reverse

from lis.core import jobs
from lis.core.models import BackgroundJob, ChangeLogEntry
from lis.reports import imports, register_xlsx
from lis.systems.models import InformationSystem

from .helpers import edited, export, token_of, upload


def _apply(client, token: str):
    return client.post(reverse("reports:register_import_apply"), {"token": token})


def _state():
    return (
        ChangeLogEntry.objects.exclude(action="event").count(),
        list(InformationSystem.objects.order_by("pk").values()),
    )


def test_it_applies_the_import_as_a_job_and_shows_what_it_did(register, personas):
    client = personas["coordinator_vaf"].client()
    vaf = register["vaf"]
    token = token_of(upload(client, edited(export(client), {(vaf.pk, "Beskrivning"): "Ändrad av jobbet"})))
    response = _apply(client, token)
    job = BackgroundJob.objects.get(kind=imports.REGISTER_IMPORT)
    assert response.status_code == 302 and response["Location"] == reverse("core:job", args=[job.pk])
    assert job.requested_by == personas["coordinator_vaf"].user
    assert job.status == BackgroundJob.Status.DONE and job.progress == 100
    assert job.params == {"token": token, "_access": job.params["_access"]}
    page = client.get(response["Location"]).content.decode()
    assert "Import till förteckningen över informationssystem" in page
    assert "Importen är genomförd: 0 nya system och 1 ändrat system." in page
    assert "Fil: forteckning.xlsx" in page
    assert "Ladda ner" not in page  # an account of the work, not a file
    assert client.get(reverse("core:job_download", args=[job.pk])).status_code == 404
    vaf.refresh_from_db()
    assert vaf.description == "Ändrad av jobbet"
    assert ChangeLogEntry.objects.filter(event="import", user=personas["coordinator_vaf"].user).count() == 1
    assert not list(register_xlsx.PENDING.directory().glob("*"))  # the upload is used up


def test_it_shows_every_reason_and_writes_nothing_when_the_file_is_refused(register, personas):
    client = personas["strategist"].client()
    vaf, buf = register["vaf"], register["buf"]
    good = edited(export(client), {(vaf.pk, "Beskrivning"): "Ändrad"})
    token = token_of(upload(client, good))
    # After the dry run the stored file is swapped for one whose second row the service refuses.
    data_path, _meta = register_xlsx.PENDING._paths(token)
    data_path.write_bytes(edited(good, {(buf.pk, "Sekretess"): "Ja"}))
    before = _state()
    page = client.get(_apply(client, token)["Location"]).content.decode()
    assert "Importen genomfördes inte. Inget har ändrats." in page
    assert "Ange lagrummet för sekretessen" in page
    assert 'class="error-summary"' in page and reverse("reports:register_import") in page
    assert _state() == before
    assert not ChangeLogEntry.objects.filter(event="import").exists()
    assert BackgroundJob.objects.get(kind=imports.REGISTER_IMPORT).status == BackgroundJob.Status.DONE


def test_it_hides_the_job_from_everyone_but_its_owner_and_administrators(register, personas):
    owner = personas["strategist"].client()
    token = token_of(upload(owner, export(owner)))
    location = _apply(owner, token)["Location"]
    for persona in ("coordinator_vaf", "it_manager", "employee_vaf"):
        assert personas[persona].client().get(location).status_code == 404, persona
    assert personas["administrator"].client().get(location).status_code == 200
    assert owner.get(location).status_code == 200


def test_it_rechecks_the_permission_when_the_job_runs(register, personas):
    # The view refuses an employee without a unit to manage; a job queued for one (as if their
    # role was removed after they asked) is refused by the worker too, and writes nothing.
    employee = personas["employee_vaf"].user
    token = register_xlsx.PENDING.store(export(personas["strategist"].client()), user=employee, filename="x.xlsx")
    before = _state()
    job = jobs.request_document(user=employee, kind=imports.REGISTER_IMPORT, params={"token": token})
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error_message == "Du behöver ansvara för en förvaltning eller ett bolag för att importera system."
    assert _state() == before


def test_it_fails_with_a_swedish_message_when_the_upload_is_gone(register, personas):
    user = personas["strategist"].user
    job = jobs.request_document(user=user, kind=imports.REGISTER_IMPORT, params={"token": "0" * 32})
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.error_message.startswith("Den uppladdade filen finns inte längre")
    page = personas["strategist"].client().get(reverse("core:job", args=[job.pk])).content.decode()
    assert "Arbetet kunde inte slutföras" in page and "Försök igen" in page
