"""The IT- och informationssäkerhetspolicy in LIS (POL-2.4, POL-3.7): the pack's text as the first
version, versions published by the säkerhetsstrateg with kommunfullmäktige's adopting decision,
the version in force for everyone at /policy/ and earlier versions at their own addresses."""

from __future__ import annotations

import datetime
import io
import shutil
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from lis.core.models import ChangeLogEntry, ImmutableError
from lis.organisation.tests.test_access_matrix import ALL
from lis.plans import services
from lis.plans.models import Decision, PolicyVersion

TODAY = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
NEW_TEXT = "# 1. Allmän information\nPolicyn gäller alla medarbetare.\n\n# 2. Roller\n- Säkerhetsstrategen."


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def first_version(amal):
    return services.policy_ensure_first_version()


def publish_data(amal, **changes):
    return {
        "label": "2.0",
        "title": "IT- och informationssäkerhetspolicy",
        "text": NEW_TEXT,
        "board": amal["boards"]["KF"].pk,
        "meeting_date": "2026-11-24",
        "paragraph": "112",
        "diary_number": "2026-00321",
    } | changes


def publish_kwargs(amal, **changes):
    """The same publication as the service's arguments."""
    return {
        "label": "2.0",
        "title": "IT- och informationssäkerhetspolicy",
        "text": NEW_TEXT,
        "board": amal["boards"]["KF"],
        "meeting_date": datetime.date(2026, 11, 24),
        "paragraph": 112,
        "diary_number": "2026-00321",
    } | changes


def writes() -> tuple[int, int, int]:
    return ChangeLogEntry.objects.count(), PolicyVersion.objects.count(), Decision.objects.count()


def test_it_publishes_the_packs_text_as_version_1_saying_its_decision_is_not_recorded(first_version):
    assert (first_version.label, first_version.decision, first_version.published_by) == ("1.0", None, None)
    before = writes()
    assert services.policy_ensure_first_version() is None
    assert writes() == before
    page = Client().get(reverse("policy:current")).content.decode()
    assert "IT- och informationssäkerhetspolicy med handlingsplan" in page
    assert '<h2 id="avsnitt-1">1. Allmän information</h2>' in page
    assert "1.0 (gällande)" in page
    assert "Beslutet om att anta versionen är inte registrerat i LIS än." in page
    assert "Antagen av kommunfullmäktige" not in page


def test_it_registers_the_adopting_decision_the_pack_states(amal, settings, tmp_path):
    pack = Path(django_settings.LIS_POLICY_PACK)
    for item in pack.parent.iterdir():
        if item.is_file():
            shutil.copy(item, tmp_path / item.name)
    text = (tmp_path / pack.name).read_text(encoding="utf-8")
    adopted = '[policy_document.adopted]\nboard = "KF"\nmeeting_date = 2021-06-30\nparagraph = 77\n'
    adopted += 'diary_number = "2021-00123"\n\n[reference]'
    (tmp_path / pack.name).write_text(text.replace("[reference]", adopted, 1), encoding="utf-8")
    settings.LIS_POLICY_PACK = str(tmp_path / pack.name)

    version = services.policy_ensure_first_version()
    assert version.decision.board == amal["boards"]["KF"]
    assert (version.decision.meeting_date, version.decision.paragraph) == (datetime.date(2021, 6, 30), 77)
    page = Client().get(reverse("policy:current")).content.decode()
    assert "Antagen av kommunfullmäktige 2021-06-30 § 77, dnr 2021-00123" in page


def test_the_strategist_publishes_a_new_version_and_the_earlier_stays_readable(first_version, amal, personas):
    client = personas["strategist"].client()
    response = client.post(reverse("policy:publish"), publish_data(amal))
    assert response.status_code == 302 and response["Location"] == reverse("policy:current")
    current = PolicyVersion.objects.get(label="2.0")
    assert current.published_by == personas["strategist"].user
    assert current.decision.subject == "Antagande av IT- och informationssäkerhetspolicyn, version 2.0"
    logged = set(ChangeLogEntry.objects.filter(action="create").values_list("object_type", flat=True))
    assert {"plans.policyversion", "plans.decision"} <= logged

    employee = personas["employee_vaf"].client()
    page = employee.get(reverse("policy:current")).content.decode()
    assert "Antagen av kommunfullmäktige 2026-11-24 § 112, dnr 2026-00321" in page
    assert "2.0 (gällande)" in page and "Policyn gäller alla medarbetare." in page

    earlier = Client().get(reverse("policy:version", args=[first_version.pk])).content.decode()
    assert "Det här är version 1.0, som inte längre gäller. Gällande version är 2.0." in earlier
    assert "1. Allmän information" in earlier and "IT- och informationssäkerhetspolicy med handlingsplan" in earlier

    listing = Client().get(reverse("policy:versions")).content.decode()
    assert reverse("policy:version", args=[current.pk]) in listing
    assert reverse("policy:version", args=[first_version.pk]) in listing
    assert "Beslutet om att anta versionen är inte registrerat i LIS än." in listing


@pytest.mark.parametrize(
    ("changes", "field_error"),
    [
        ({"board": "KS"}, "Välj ett giltigt alternativ"),  # the form offers kommunfullmäktige only
        ({"meeting_date": "2026-12-02"}, "Sammanträdet kan inte ligga efter dagens datum."),
        ({"label": "1.0"}, "Det finns redan en publicerad version med den beteckningen."),
        ({"text": "Bara ett stycke utan rubrik."}, "Texten behöver minst en rubrik"),
        ({"text": ""}, "Detta fält måste fyllas i."),
        ({"diary_number": "KF 2026/321"}, "Skriv diarienumret som i nämndens diarium"),
    ],
)
def test_it_rejects_a_publication_with_bad_input_and_writes_nothing(
    first_version, amal, personas, changes, field_error
):
    if changes.get("board") == "KS":
        changes = {"board": amal["boards"]["KS"].pk}
    data = publish_data(amal, **changes)
    client = personas["strategist"].client()
    before = writes()
    response = client.post(reverse("policy:publish"), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert field_error in page
    assert f'value="{data["label"]}"' in page and f'value="{data["diary_number"]}"' in page  # kept as typed
    assert writes() == before


def test_the_service_refuses_a_board_other_than_kommunfullmaktige(first_version, amal, personas):
    before = writes()
    with pytest.raises(ValidationError) as refused:
        services.policy_version_publish(
            actor=personas["strategist"].user, **publish_kwargs(amal, board=amal["boards"]["KS"])
        )
    assert refused.value.message_dict == {"board": ["Policyn antas av kommunfullmäktige. Välj kommunfullmäktige."]}
    assert writes() == before


@pytest.mark.parametrize("persona", [p for p in ALL if p != "strategist"])
def test_only_the_strategist_publishes_the_policy(first_version, amal, personas, persona):
    client = personas[persona].client()
    before = writes()
    assert client.get(reverse("policy:publish")).status_code == 403
    assert client.post(reverse("policy:publish"), publish_data(amal)).status_code == 403
    adoption = reverse("policy:adoption", args=[first_version.pk])
    assert client.post(adoption, publish_data(amal)).status_code == 403
    assert writes() == before
    page = client.get(reverse("policy:current")).content.decode()
    assert reverse("policy:publish") not in page and adoption not in page
    with pytest.raises(PermissionDenied):
        services.policy_version_publish(actor=personas[persona].user, **publish_kwargs(amal))


def test_everyone_reads_every_version_and_only_the_strategist_sees_how_to_publish(first_version, personas):
    for url in (
        reverse("policy:current"),
        reverse("policy:versions"),
        reverse("policy:version", args=[first_version.pk]),
    ):
        assert Client().get(url).status_code == 200
        for persona in ALL:
            assert personas[persona].client().get(url).status_code == 200
    page = personas["strategist"].client().get(reverse("policy:current")).content.decode()
    assert reverse("policy:publish") in page and reverse("policy:adoption", args=[first_version.pk]) in page
    assert Client().get(reverse("policy:publish")).status_code == 302  # to the login page
    assert Client().get(reverse("policy:version", args=[first_version.pk + 99])).status_code == 404


def test_the_strategist_records_the_decision_that_adopted_the_packs_version(first_version, amal, personas):
    client = personas["strategist"].client()
    url = reverse("policy:adoption", args=[first_version.pk])
    data = {"board": amal["boards"]["KF"].pk, "meeting_date": "2021-06-30", "paragraph": "77"}
    before = writes()
    response = client.post(url, data | {"diary_number": "21/123"})
    assert response.status_code == 200 and "Skriv diarienumret" in response.content.decode()
    assert writes() == before

    response = client.post(url, data | {"diary_number": "2021-00123"})
    assert response.status_code == 302
    first_version.refresh_from_db()
    assert first_version.decision.paragraph == 77
    assert ChangeLogEntry.objects.filter(object_type="plans.policyversion", action="update").count() == 1
    page = Client().get(reverse("policy:current")).content.decode()
    assert "Antagen av kommunfullmäktige 2021-06-30 § 77, dnr 2021-00123" in page

    with pytest.raises(ValidationError, match="redan registrerat"):
        services.policy_version_record_adoption(
            actor=personas["strategist"].user,
            version=first_version,
            board=amal["boards"]["KF"],
            meeting_date=datetime.date(2021, 7, 1),
            paragraph=78,
            diary_number="2021-00124",
        )


def test_a_published_version_never_changes(first_version):
    first_version.text = "# Ändrad"
    with pytest.raises(ImmutableError):
        first_version.save()
    with pytest.raises(ImmutableError):
        first_version.delete()
    first_version.refresh_from_db()
    assert first_version.text.startswith("# 1. Allmän information")


def test_load_reference_publishes_the_packs_policy_once_and_says_what_is_missing(db):
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert (
        "Policyn är publicerad som version 1.0 (beslutet om antagandet är inte registrerat; "
        "säkerhetsstrategen registrerar det i LIS)." in out.getvalue()
    )
    out = io.StringIO()
    call_command("load_reference", stdout=out)
    assert "Policyn" not in out.getvalue() and PolicyVersion.objects.count() == 1
