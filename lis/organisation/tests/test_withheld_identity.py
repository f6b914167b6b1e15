"""A skyddad identitet never leaks (POL-3.30, issue 10 items 5–7): no page, export or history
shows a non-HR viewer the real name, unit, roles or login of a protected person, and nothing
sorts them where their real name would."""

from __future__ import annotations

import io
from html.parser import HTMLParser

import openpyxl
import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from lis.conftest import PASSWORD, START, make_persona
from lis.core.access import principal_for
from lis.core.models import ChangeLogEntry, User
from lis.core.selectors import changelog_filter_choices
from lis.core.signals import username_hash
from lis.core.tests.test_links import crawl
from lis.organisation import selectors, services
from lis.organisation.models import Role
from lis.risks import services as risk_services

UNIT = "EKO"  # Ekonomienheten: no persona works there
LOGIN = "hemligsson.login"
SECRETS = ("Doldis", "Hemligsson", LOGIN)
UNKNOWN_LOGIN = "felstavat-anvandarnamn"


@pytest.fixture
def protected(personas, amal, make_system):
    person = services.person_create(
        actor=personas["hr"].user,
        first_name="Doldis",
        last_name="Hemligsson",
        unit=amal["units"][UNIT],
        kind="employee",
        protected_identity=True,
        title="Controller",
        email="hemligsson@test.invalid",
    )
    services.person_login_create(actor=personas["administrator"].user, person=person, username=LOGIN, password=PASSWORD)
    for role in (Role.UNIT_HEAD, Role.SECURITY_COORDINATOR):
        services.role_assign(actor=None, person=person, role=role, unit=amal["units"][UNIT], starts_on=START)
    make_system(unit="BUF", name="Elevregistret", system_steward=person)
    analysis = risk_services.analysis_start(actor=None, unit=amal["units"]["BUF"])
    risk_services.analysis_update(actor=None, analysis=analysis, participants=[person])
    for username in (LOGIN, UNKNOWN_LOGIN):
        Client().post("/logga-in/", {"username": username, "password": "fel-lösenord"})
    person.refresh_from_db()
    return person


class RecordParser(HTMLParser):
    """The text of every record on a page (table row, list item, choice, fact list)."""

    @classmethod
    def records_of(cls, html: str) -> list[str]:
        parser = cls()
        parser.feed(html)
        return parser.records

    RECORDS = {"tr", "li", "option", "dl"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[list[str]] = []
        self.records: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.RECORDS:
            self.open.append([])

    def handle_endtag(self, tag):
        if tag in self.RECORDS and self.open:
            self.records.append(" ".join(self.open.pop()))

    def handle_data(self, data):
        for record in self.open:
            record.append(data)


def records_of(response) -> tuple[str, list[str]]:
    """All text of a page or document, and its records (rows of a sheet, lines of a PDF)."""
    content_type = response.get("Content-Type", "")
    if content_type.startswith("text/html"):
        html = response.content.decode()
        return html, RecordParser.records_of(html)
    if "spreadsheetml" in content_type:
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        rows = [
            " ".join(str(value) for value in row if value is not None)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
        ]
        return "\n".join(rows), rows
    if content_type == "application/pdf":
        text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
        return text, text.splitlines()
    return "", []


def leaks(client: Client, person, unit_name: str) -> tuple[list[str], int]:
    """What a crawl from the start page shows of `person`, and how many records named them."""
    found: list[str] = []
    named = 0

    def visit(path, response):
        nonlocal named
        text, records = records_of(response)
        found.extend(f"{path}: {secret}" for secret in (*SECRETS, UNKNOWN_LOGIN) if secret in text)
        for record in records:
            if person.pseudonym in record:
                named += 1
                if unit_name in record:
                    found.append(f"{path}: {unit_name} vid {person.pseudonym}: {record[:200]}")

    broken, opened = crawl(client, visit)
    assert opened > 1
    return found, named


@pytest.mark.parametrize("role", [Role.SECURITY_STRATEGIST, Role.DEPUTY_SIGNALS_CHIEF])
def test_it_shows_no_name_unit_or_login_of_a_protected_person_on_any_page_or_export(protected, amal, role):
    viewer = make_persona(amal, f"viewer_{role}", unit="IT", roles=[(role, None, None)])
    found, named = leaks(viewer.client(), protected, amal["units"][UNIT].name)
    assert not found, "Skyddad identitet röjs:\n" + "\n".join(found)
    assert named, "genomgången nådde inga sidor som nämner personen"


def test_it_still_shows_hr_everything(personas, protected, amal):
    client = personas["hr"].client()
    assert "Hemligsson" in client.get(reverse("organisation:role_list")).content.decode()
    detail = client.get(reverse("organisation:person_detail", args=[protected.pk]) + "?flik=roller")
    assert amal["units"][UNIT].name in detail.content.decode()


def test_it_withholds_a_protected_persons_unit_and_roles_from_lists_filters_and_history(personas, protected, amal):
    client = personas["strategist"].client()
    unit = amal["units"][UNIT]
    pages = {
        "rollista": reverse("organisation:role_list"),
        "personer i enheten": reverse("organisation:unit_detail", args=[unit.pk]) + "?flik=personer",
        "enhetens roller": reverse("organisation:unit_detail", args=[unit.pk]) + "?flik=roller",
        "organisationsträdet": reverse("organisation:unit_list"),
        "personer filtrerade på enhet": reverse("organisation:person_list") + f"?unit={unit.pk}",
        "personer sökta på enhetens namn": reverse("organisation:person_list") + "?q=Ekonomienheten",
        "historik filtrerad på enhet": reverse("core:changelog") + f"?enhet={unit.pk}",
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        # At most the choice of who did something in the kommun-wide history names them.
        records = RecordParser.records_of(response.content.decode())
        assert all(record.strip() == protected.pseudonym for record in records if protected.pseudonym in record), name
    roles_tab = client.get(reverse("organisation:person_detail", args=[protected.pk]) + "?flik=roller")
    assert unit.name not in roles_tab.content.decode()
    assert "Rollerna visas bara för HR och administratörer" in roles_tab.content.decode()
    person_list = client.get(reverse("organisation:person_list")).content.decode()
    row = next(record for record in RecordParser.records_of(person_list) if protected.pseudonym in record)
    assert unit.name not in row and "Controller" not in row
    history = client.get(reverse("core:changelog")).content.decode()
    assert protected.pseudonym in history
    assert not any(
        unit.name in record and "•••" not in record
        for record in RecordParser.records_of(history)
        if "Rolltilldelning" in record or protected.pseudonym in record
    )


def test_it_records_failed_logins_without_echoing_the_user_name(personas, protected):
    entries = ChangeLogEntry.objects.filter(event="login_failed")
    known = entries.get(object_id=str(protected.user_id))
    assert "username" not in known.changes and known.user_name == ""
    unknown = entries.get(object_id="")
    assert unknown.changes["username_hash"] == username_hash(UNKNOWN_LOGIN)
    assert UNKNOWN_LOGIN not in f"{unknown.changes} {unknown.user_name} {unknown.object_repr}"
    history = personas["strategist"].client().get(reverse("core:changelog")).content.decode()
    assert protected.pseudonym in history
    assert LOGIN not in history and UNKNOWN_LOGIN not in history


def test_it_summarises_repeated_failed_logins_instead_of_recording_each(personas):
    client = Client()
    for _attempt in range(40):
        client.post("/logga-in/", {"username": UNKNOWN_LOGIN, "password": "fel-lösenord"})
    counts = [e.changes["count"] for e in ChangeLogEntry.objects.filter(event="login_failed").order_by("sequence")]
    assert counts[0] == 1
    assert counts == sorted(set(counts)) and all(count & (count - 1) == 0 for count in counts)
    assert len(counts) <= 6


def test_it_sorts_protected_people_by_their_pseudonym_not_their_real_name(personas, amal):
    first = services.person_create(
        actor=personas["hr"].user,
        first_name="Örjan",
        last_name="Östberg",
        unit=amal["units"]["VAF"],
        kind="employee",
        protected_identity=True,
    )
    second = services.person_create(
        actor=personas["hr"].user,
        first_name="Anna",
        last_name="Aldén",
        unit=amal["units"]["VAF"],
        kind="employee",
        protected_identity=True,
    )
    for person, username in ((first, "ostberg"), (second, "alden")):
        services.person_login_create(
            actor=personas["administrator"].user, person=person, username=username, password=PASSWORD
        )
    p = principal_for(personas["strategist"].user)
    in_order = [first.pk, second.pk]
    assert [x.pk for x in selectors.people_choices(p) if x.protected_identity] == in_order
    assert [x.pk for x in selectors.people_search(p) if x.protected_identity] == in_order
    labels = [label for _pk, label in changelog_filter_choices(p)["actors"]]
    assert labels.index(first.pseudonym) < labels.index(second.pseudonym)
    page = personas["strategist"].client().get(reverse("organisation:person_list")).content.decode()
    assert page.index(first.pseudonym) < page.index(second.pseudonym)
    # HR sorts by the real name.
    hr = principal_for(personas["hr"].user)
    assert [x.pk for x in selectors.people_choices(hr) if x.protected_identity] == [second.pk, first.pk]
    assert User.objects.filter(username="ostberg").exists()
