"""The demo dataset: invented people for every role in Åmål's reference organisation.

Every person here is invented (e-mail addresses end in @demo.invalid). Idempotent: people are
matched by e-mail, role assignments by person, role and scope."""

from __future__ import annotations

import datetime
import random

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from lis.core.models import User

from . import services
from .models import Board, OrgUnit, Person, Role, RoleAssignment
from .reference import load_reference_organisation

DEMO_PASSWORD = "demo-lis-2026"
DEMO_DOMAIN = "demo.invalid"
START = datetime.date(2023, 1, 1)

# (username, first, last, title, unit, kind, [(role, unit, board)])
DEMO_LOGINS = [
    ("strateg", "Sara", "Lindqvist", "Säkerhetsstrateg", "KSF", "employee", [(Role.SECURITY_STRATEGIST, None, None)]),
    ("admin", "Anders", "Berg", "Systemadministratör", "IT", "employee", [(Role.ADMINISTRATOR, None, None)]),
    (
        "itchef",
        "Karin",
        "Holm",
        "IT-chef",
        "IT",
        "employee",
        [(Role.IT_MANAGER, None, None), (Role.COUNCIL_CHAIR, None, None)],
    ),
    (
        "kommundirektor",
        "Per",
        "Ekström",
        "Kommundirektör",
        "KSF",
        "employee",
        [(Role.MUNICIPAL_DIRECTOR, None, None), (Role.UNIT_HEAD, "KSF", None)],
    ),
    (
        "signalskydd",
        "Lena",
        "Sjöberg",
        "Biträdande signalskyddschef",
        "KANS",
        "employee",
        [(Role.DEPUTY_SIGNALS_CHIEF, None, None)],
    ),
    ("hr", "Maria", "Nyström", "HR-specialist", "PE", "employee", [(Role.HR, None, None)]),
    ("chef.buf", "Johan", "Åkesson", "Förvaltningschef", "BUF", "employee", [(Role.UNIT_HEAD, "BUF", None)]),
    (
        "samordnare.vaf",
        "Elin",
        "Larsson",
        "Informationssäkerhetssamordnare",
        "VAF",
        "employee",
        [(Role.SECURITY_COORDINATOR, "VAF", None), (Role.COUNCIL_REPRESENTATIVE, "VAF", None)],
    ),
    (
        "representant.tff",
        "Oskar",
        "Dahl",
        "Verksamhetsutvecklare",
        "TFF",
        "employee",
        [(Role.COUNCIL_REPRESENTATIVE, "TFF", None)],
    ),
    ("ledamot.bun", "Ingrid", "Falk", "", None, "elected", [(Role.BOARD_MEMBER, None, "BUN")]),
    ("chef.vaf", "Birgitta", "Ström", "Förvaltningschef", "VAF", "employee", [(Role.UNIT_HEAD, "VAF", None)]),
    ("medarbetare", "Ali", "Hassan", "Handläggare", "VAF", "employee", []),
]

# The demo logins' anställningsnummer in the invented HR system (demo/hr-export.csv); förtroendevalda
# are not employed and have none.
DEMO_EMPLOYEE_NUMBERS = {
    "strateg": "1001",
    "admin": "1002",
    "itchef": "1003",
    "kommundirektor": "1004",
    "signalskydd": "1005",
    "hr": "1006",
    "chef.buf": "1007",
    "samordnare.vaf": "1008",
    "representant.tff": "1009",
    "chef.vaf": "1011",
    "medarbetare": "1012",
}

# People without logins who hold the remaining roles (SÅAB deliberately lacks an E-råd
# representative, so that Efterlevnad has a finding for POL-3.4).
DEMO_ROLE_HOLDERS = [
    ("Mikael", "Olsson", "Förvaltningschef", "TFF", [(Role.UNIT_HEAD, "TFF", None)]),
    ("Helena", "Wik", "VD", "ÅKAB", [(Role.UNIT_HEAD, "ÅKAB", None), (Role.COUNCIL_REPRESENTATIVE, "ÅKAB", None)]),
    ("Tomas", "Lund", "VD", "SÅAB", [(Role.UNIT_HEAD, "SÅAB", None)]),
    (
        "Sofia",
        "Engström",
        "Utvecklingsledare",
        "BUF",
        [(Role.SECURITY_COORDINATOR, "BUF", None), (Role.COUNCIL_REPRESENTATIVE, "BUF", None)],
    ),
    ("Jonas", "Mattsson", "Kanslichef", "KANS", [(Role.COUNCIL_REPRESENTATIVE, "KSF", None)]),
    ("Karin", "Berg", "Skolutvecklare", "BUF", [(Role.COUNCIL_DEPUTY, "BUF", None)]),
]

FIRST_NAMES = [
    "Anna",
    "Erik",
    "Eva",
    "Lars",
    "Karl",
    "Kerstin",
    "Nils",
    "Emma",
    "Fredrik",
    "Linnea",
    "Hanna",
    "Gustav",
    "Amira",
    "Daniel",
    "Sanna",
    "Viktor",
    "Ida",
    "Mohammed",
    "Petra",
    "Rasmus",
]
LAST_NAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Jakobsson",
]
TITLES = [
    "Handläggare",
    "Lärare",
    "Undersköterska",
    "Ekonom",
    "Systemförvaltare",
    "Enhetschef",
    "Socialsekreterare",
    "Fastighetstekniker",
    "Nätverkstekniker",
    "Administratör",
]


def refuse_in_production() -> None:
    if getattr(settings, "LIS_ENVIRONMENT", "") == "production":
        raise ImproperlyConfigured("Demodata får inte läsas in med produktionsinställningar (lis.settings.production).")


def _person(first: str, last: str, title: str, unit: OrgUnit | None, kind: str, number: int | None = None) -> Person:
    local = f"{first}.{last}" + (f".{number}" if number is not None else "")
    email = f"{local}@{DEMO_DOMAIN}".lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
    person = Person.objects.filter(email=email).first()
    if person is None:
        person = services.person_create(
            actor=None,
            first_name=first,
            last_name=last,
            title=title,
            unit=unit,
            kind=kind,
            email=email,
            phone="0532-170 00",
        )
    return person


def _assign(person: Person, roles, units: dict[str, OrgUnit], boards: dict[str, Board]) -> None:
    for role, unit_key, board_key in roles:
        unit = units[unit_key] if unit_key else None
        board = boards[board_key] if board_key else None
        if not RoleAssignment.objects.filter(person=person, role=role, unit=unit, board=board).exists():
            services.role_assign(actor=None, person=person, role=role, unit=unit, board=board, starts_on=START)


@transaction.atomic
def load_demo(*, generic_people: int = 60) -> list[tuple[str, str]]:
    """Load the reference organisation and the invented people. Returns the demo logins."""
    refuse_in_production()
    load_reference_organisation()
    units = {u.short_name: u for u in OrgUnit.objects.exclude(short_name="")}
    boards = {b.short_name: b for b in Board.objects.all()}
    logins = []
    for username, first, last, title, unit_key, kind, roles in DEMO_LOGINS:
        person = _person(first, last, title, units.get(unit_key) if unit_key else None, kind)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, password=DEMO_PASSWORD, first_name=first, last_name=last, email=person.email
            )
        if person.user_id != user.pk:
            services.person_update(actor=None, person=person, user=user)
        number = DEMO_EMPLOYEE_NUMBERS.get(username, "")
        if number and not person.employee_number and not Person.objects.filter(employee_number=number).exists():
            services.person_update(actor=None, person=person, employee_number=number)
        _assign(person, roles, units, boards)
        logins.append((username, ", ".join(str(r[0].label) for r in roles) or "Medarbetare utan särskild roll"))
    for first, last, title, unit_key, roles in DEMO_ROLE_HOLDERS:
        _assign(_person(first, last, title, units[unit_key], "employee"), roles, units, boards)

    rng = random.Random(1492)  # the same invented people on every run
    staff_units = [u for u in units.values() if u.kind != OrgUnit.Kind.COMPANY or rng.random() < 0.5]
    for index in range(generic_people):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        _person(first, last, rng.choice(TITLES), rng.choice(staff_units), "employee", number=index + 1)
    protected = _person("Skyddad", "Demoperson", "Socialsekreterare", units["VAF"], "employee")
    if not protected.protected_identity:
        services.person_update(actor=None, person=protected, protected_identity=True)
    for first, last in (("Göran", "Ahlgren"), ("Marie", "Kvist")):
        _assign(_person(first, last, "", None, "elected"), [(Role.BOARD_MEMBER, None, "KS")], units, boards)
    return logins
