"""A synthetic kommun for the benchmark.

Boards (kommunfullmäktige, kommunstyrelsen, nämnder, bolagsstyrelser), förvaltningar and bolag
each governed by a board, enheter nested under them 2–4 levels deep, people (employees and
förtroendevalda, some with skyddad identitet, some who have left), role assignments, three
logins with a known password, and change-log entries for a sample of it all.

Fast: rows are written with bulk_create; OrgUnit.path is filled in level by level once the ids
are known. The change-log sample goes through lis.core.changelog.record_create, so the hash
chain is the one the application writes. Deterministic: one seeded random.Random drives every
choice (dates are relative to today).

Extending: write `def step_<what>(kommun: Kommun) -> None` and add it to STEPS before
`changelog`; register objects whose pages must have history with `kommun.log(obj, always=True)`,
others with `kommun.log(obj)`, and page targets in `kommun.targets`.

    DATABASE_URL=sqlite:////tmp/kommun.sqlite3 .venv/bin/python bench/generate.py --units 300 --people 20000
"""

# ruff: noqa: E402 - run as a script, Django is set up (with --database-url) before the models are imported.
from __future__ import annotations

import argparse
import datetime
import math
import random
import sys
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.env import setup_django_from_argv

    setup_django_from_argv(sys.argv[1:])

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from bench.gen_operations import step_operations
from bench.gen_register import step_platforms
from bench.gen_reviews import step_reviews
from bench.gen_staff import step_staff
from bench.gen_training import step_training
from lis.core import access
from lis.core.changelog import record_create, verify_chain
from lis.core.models import ChangeLogEntry, User
from lis.core.pack import get_pack
from lis.organisation import services
from lis.organisation.models import Board, MandatePeriod, Municipality, OrgUnit, Person, Role, RoleAssignment
from lis.risks.models import AnalysisVersion, Measure, Risk, SecurityAnalysis
from lis.risks.selectors import analysis_content
from lis.systems import services as system_services
from lis.systems.models import Agreement, InformationSet, InformationSystem, Party, UserGroup

SEED = 1492
BENCH_PASSWORD = "bench-lis-losenord-2026"
EMAIL_DOMAIN = "bench.invalid"
MAX_DEPTH = 3  # a förvaltning/bolag is depth 0, so at most four levels
BATCH = 2000

# (username, persona) of the logins the benchmark uses.
LOGINS = {
    "strateg": "bench-strateg",
    "chef": "bench-chef",
    "medarbetare": "bench-medarbetare",
}

# (nämnd, förvaltning it governs)
COMMITTEES = [
    ("Barn- och utbildningsnämnden", "Barn- och utbildningsförvaltningen"),
    ("Socialnämnden", "Socialförvaltningen"),
    ("Vård- och omsorgsnämnden", "Vård- och omsorgsförvaltningen"),
    ("Samhällsbyggnadsnämnden", "Samhällsbyggnadsförvaltningen"),
    ("Kultur- och fritidsnämnden", "Kultur- och fritidsförvaltningen"),
    ("Miljö- och hälsoskyddsnämnden", "Miljöförvaltningen"),
    ("Arbetsmarknadsnämnden", "Arbetsmarknadsförvaltningen"),
    ("Tekniska nämnden", "Tekniska förvaltningen"),
    ("Gymnasienämnden", "Gymnasieförvaltningen"),
    ("Servicenämnden", "Serviceförvaltningen"),
    ("Räddningsnämnden", "Räddningstjänsten"),
    ("Byggnadsnämnden", "Byggförvaltningen"),
]
COMPANIES = [
    "Kommunfastigheter AB",
    "Stadsnät AB",
    "Bostads AB",
    "Energi AB",
    "Vatten och avfall AB",
    "Hamn AB",
    "Industrifastigheter AB",
    "Turism och näringsliv AB",
]
PARTNERS = ["Säffle", "Bengtsfors", "Mellerud", "Dals-Ed", "Färgelanda"]
ENHET_KINDS = "Förskolan Skolan Hemtjänst Boendet Avdelning Sektionen Team Kontoret Enheten Verksamheten".split()
PLACES = (
    "Norr Söder Öster Väster Centrum Ekhagen Tösse Fengersfors Edsleskog Råbäcken Karlberg Kristinelund "
    "Nygårds Mo Ånimskog Tydje Fröskog Stommen Hamnen Näsudden"
).split()
FIRST_NAMES = (
    "Anna Annika Hanna Johanna Ann-Sofie Erik Eva Lars Karl Kerstin Nils Emma Fredrik Linnea Gustav Amira "
    "Daniel Sanna Viktor Ida Mohammed Petra Rasmus Åsa Örjan Maja Oskar Elsa Yusuf Leila"
).split()
LAST_NAMES = (
    "Andersson Johansson Karlsson Nilsson Eriksson Persson Svensson Gustafsson Pettersson Jonsson Hansson "
    "Bengtsson Lindberg Jakobsson Åkesson Ström Holm Lund Falk Nyström Ali Hassan Mäkinen Novak Berg"
).split()
TITLES = (
    "Handläggare Lärare Förskollärare Undersköterska Ekonom Systemförvaltare Enhetschef Socialsekreterare "
    "Fastighetstekniker Nätverkstekniker Administratör Planarkitekt"
).split()


@dataclass
class Kommun:
    """What the steps build, and what they hand on to each other and to the benchmark."""

    units: int
    people: int
    changelog: int
    systems: int
    rng: random.Random
    today: datetime.date
    municipality: Municipality | None = None
    mandate: MandatePeriod | None = None
    boards: list[Board] = field(default_factory=list)
    tops: list[OrgUnit] = field(default_factory=list)
    all_units: list[OrgUnit] = field(default_factory=list)
    chef_unit: OrgUnit | None = None
    users: dict[str, User] = field(default_factory=dict)
    persons: list[Person] = field(default_factory=list)
    assignments: list[RoleAssignment] = field(default_factory=list)
    # Ids the benchmark's pages open: "unit", "person", "board", ... (run.py PAGES).
    targets: dict[str, int] = field(default_factory=dict)
    # Persons for role slots, filled by step_people and used by step_roles.
    slots: dict[tuple[str, int | None], Person] = field(default_factory=dict)
    elected: list[Person] = field(default_factory=list)
    # Creation order of what may get a change-log entry; True: always, False: sampled.
    loggable: list[tuple[models.Model, bool]] = field(default_factory=list)

    def log(self, obj: models.Model, *, always: bool = False) -> None:
        self.loggable.append((obj, always))

    def date_back(self, low_days: int, high_days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low_days, high_days))

    def subtree(self, unit: OrgUnit) -> list[OrgUnit]:
        return [u for u in self.all_units if u.path.startswith(unit.path)]


Step = Callable[[Kommun], None]


# --- steps ----------------------------------------------------------------------------------


def step_municipality(kommun: Kommun) -> None:
    """The kommun named by the policy pack and the current mandate periods (as load_reference)."""
    kommun.municipality = services.municipality_ensure()
    for anchor in MandatePeriod.Anchor.values:
        services.current_mandate_period(anchor)
    kommun.mandate = services.current_mandate_period(MandatePeriod.Anchor.BOARD)


def _shape(units: int) -> tuple[int, int]:
    """(förvaltningar, bolag) for a kommun of `units` units in all."""
    tops = max(3, round(units * 0.05))
    companies = max(1, tops // 5)
    return tops - companies, companies


def _numbered(names: list[str], index: int) -> str:
    name = names[index % len(names)]
    return name if index < len(names) else f"{name} {index // len(names) + 1}"


def step_boards(kommun: Kommun) -> None:
    """KF, KS (responsible for security), one nämnd per two förvaltningar, a valnämnd, and a
    styrelse per bolag."""
    administrations, companies = _shape(kommun.units)
    rng = kommun.rng
    boards = [
        Board(name="Kommunfullmäktige", short_name="KF", kind=Board.Kind.COUNCIL, member_count=35),
        Board(
            name="Kommunstyrelsen",
            short_name="KS",
            kind=Board.Kind.EXECUTIVE,
            member_count=11,
            responsible_for_security=True,
        ),
        Board(name="Valnämnden", short_name="VAL", kind=Board.Kind.COMMITTEE, member_count=5),
    ]
    for index in range(math.ceil((administrations - 1) / 2)):
        joint = rng.random() < 0.15
        boards.append(
            Board(
                name=_numbered([c[0] for c in COMMITTEES], index),
                short_name=f"N{index + 1:02d}",
                kind=Board.Kind.JOINT_COMMITTEE if joint else Board.Kind.COMMITTEE,
                partner_municipalities=rng.choice(PARTNERS) if joint else "",
                member_count=rng.choice([7, 9, 11]),
            )
        )
    for index in range(companies):
        boards.append(
            Board(
                name=f"Styrelsen för {_numbered(COMPANIES, index)}",
                short_name=f"B{index + 1:02d}",
                kind=Board.Kind.COMPANY_BOARD,
                member_count=rng.choice([5, 6, 7]),
            )
        )
    for board in boards:
        board.municipality = kommun.municipality
    kommun.boards = Board.objects.bulk_create(boards)
    for board in kommun.boards:
        kommun.log(board, always=True)


@dataclass
class _PlannedUnit:
    parent: int | None
    depth: int
    unit: OrgUnit


def step_units(kommun: Kommun) -> None:
    """Förvaltningar (the first is kommunstyrelsens) and bolag, then enheter under them: every
    top unit gets at least one, the rest pick a parent at random, shallow levels more often."""
    rng = kommun.rng
    administrations, companies = _shape(kommun.units)
    by_short = {b.short_name: b for b in kommun.boards}
    committees = [b for b in kommun.boards if b.short_name.startswith("N")]
    company_boards = [b for b in kommun.boards if b.kind == Board.Kind.COMPANY_BOARD]

    def new(name: str, kind: str, **fields: Any) -> OrgUnit:
        return OrgUnit(municipality=kommun.municipality, name=name, kind=kind, path="/", **fields)

    plan: list[_PlannedUnit] = [
        _PlannedUnit(
            None,
            0,
            new("Kommunstyrelsens förvaltning", "administration", short_name="KSF", governing_board=by_short["KS"]),
        ),
    ]
    for index in range(administrations - 1):
        plan.append(
            _PlannedUnit(
                None,
                0,
                new(
                    _numbered([c[1] for c in COMMITTEES], index),
                    "administration",
                    short_name=f"F{index + 1:02d}",
                    governing_board=committees[index // 2],
                ),
            )
        )
    for index in range(companies):
        plan.append(
            _PlannedUnit(
                None,
                0,
                new(
                    _numbered(COMPANIES, index),
                    "company",
                    short_name=f"AB{index + 1:02d}",
                    governing_board=company_boards[index],
                    organisation_number=f"556{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
                ),
            )
        )
    top_count = len(plan)
    names: set[str] = set()

    def enhet(parent: int) -> None:
        name = f"{rng.choice(ENHET_KINDS)} {rng.choice(PLACES)}"
        while name in names:
            name = f"{name} {rng.randint(2, 99)}"
        names.add(name)
        plan.append(_PlannedUnit(parent, plan[parent].depth + 1, new(name, "unit")))

    functional = [("IT-enheten", OrgUnit.Function.IT), ("Personalenheten", OrgUnit.Function.HR)]
    for name, function in functional[: max(0, kommun.units - top_count)]:
        names.add(name)
        plan.append(_PlannedUnit(0, 1, new(name, "unit", function=function)))
    for parent in range(min(top_count, kommun.units - len(plan))):
        enhet(parent)
    # Random parents, shallow levels more often; the candidates grow as enheter are added.
    level_weight = {0: 3.0, 1: 2.0, 2: 1.0}
    candidates = [i for i, p in enumerate(plan) if p.depth < MAX_DEPTH]
    weights = [level_weight[plan[i].depth] for i in candidates]
    while len(plan) < kommun.units:
        enhet(rng.choices(candidates, weights=weights)[0])
        if plan[-1].depth < MAX_DEPTH:
            candidates.append(len(plan) - 1)
            weights.append(level_weight[plan[-1].depth])

    # Level by level: the ids of a level are known before its children are written.
    for depth in range(MAX_DEPTH + 1):
        level = [p for p in plan if p.depth == depth]
        for planned in level:
            if planned.parent is not None:
                planned.unit.parent = plan[planned.parent].unit
        OrgUnit.objects.bulk_create([p.unit for p in level], batch_size=BATCH)
        for planned in level:
            parent_path = planned.unit.parent.path if planned.unit.parent else "/"
            planned.unit.path = f"{parent_path}{planned.unit.pk}/"
        OrgUnit.objects.bulk_update([p.unit for p in level], ["path"], batch_size=BATCH)

    kommun.all_units = [p.unit for p in plan]
    kommun.tops = kommun.all_units[:top_count]
    for unit in kommun.all_units:
        kommun.log(unit, always=True)
    # The unit head's förvaltning: the largest one besides kommunstyrelsens.
    kommun.chef_unit = max(
        (u for u in kommun.tops[1:] if u.kind == OrgUnit.Kind.ADMINISTRATION), key=lambda u: len(kommun.subtree(u))
    )
    kommun.targets["unit"] = kommun.chef_unit.pk
    kommun.targets["board"] = kommun.chef_unit.governing_board_id or 0


def step_logins(kommun: Kommun) -> None:
    """The benchmark's logins, all with BENCH_PASSWORD (hashed once: it is the same password)."""
    password = make_password(BENCH_PASSWORD)
    users = [
        User(
            username=username,
            first_name=persona.title(),
            last_name="Bench",
            email=f"{username}@{EMAIL_DOMAIN}",
            password=password,
        )
        for persona, username in LOGINS.items()
    ]
    User.objects.bulk_create(users)
    kommun.users = {persona: user for persona, user in zip(LOGINS, users, strict=True)}


def _email(first: str, last: str, number: int) -> str:
    local = f"{first}.{last}.{number}".lower().replace(" ", "")
    return unicodedata.normalize("NFKD", local).encode("ascii", "ignore").decode() + f"@{EMAIL_DOMAIN}"


def step_people(kommun: Kommun) -> None:
    """Role holders first (in the unit they hold it for), then förtroendevalda, then everyone
    else spread over the enheter; ½ % with skyddad identitet, 2 % who have left."""
    rng = kommun.rng
    chef_unit = kommun.chef_unit
    assert chef_unit is not None
    ksf = kommun.tops[0]
    it_unit = next((u for u in kommun.all_units if u.function == OrgUnit.Function.IT), ksf)
    hr_unit = next((u for u in kommun.all_units if u.function == OrgUnit.Function.HR), ksf)
    persons: list[Person] = []

    def person(unit: OrgUnit | None, title: str | None = None, **fields: Any) -> Person:
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        values = {
            "first_name": first,
            "last_name": last,
            "title": rng.choice(TITLES) if title is None else title,
            "unit": unit,
            "email": _email(first, last, len(persons) + 1),
            "phone": f"0532-{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        }
        values.update(fields)
        created = Person(municipality=kommun.municipality, **values)
        persons.append(created)
        return created

    users = kommun.users
    bench_people = {
        "strateg": person(ksf, "Säkerhetsstrateg", first_name="Sara", last_name="Strateg", user=users["strateg"]),
        "chef": person(chef_unit, "Förvaltningschef", first_name="Carl", last_name="Chef", user=users["chef"]),
        "medarbetare": person(
            next((u for u in kommun.subtree(chef_unit) if u.kind == OrgUnit.Kind.UNIT), chef_unit),
            "Handläggare",
            first_name="Maria",
            last_name="Medarbetare",
            user=users["medarbetare"],
        ),
    }
    slots = kommun.slots
    slots[(Role.SECURITY_STRATEGIST, None)] = bench_people["strateg"]
    slots[(Role.UNIT_HEAD, chef_unit.pk)] = bench_people["chef"]
    slots[(Role.MUNICIPAL_DIRECTOR, None)] = person(ksf, "Kommundirektör")
    slots[(Role.IT_MANAGER, None)] = person(it_unit, "IT-chef")
    slots[(Role.DEPUTY_SIGNALS_CHIEF, None)] = person(ksf, "Kanslichef")
    slots[(Role.HR, None)] = person(hr_unit, "HR-specialist")
    slots[(Role.ADMINISTRATOR, None)] = person(it_unit, "Systemadministratör")
    for top in kommun.tops:
        if top is ksf:
            slots[(Role.UNIT_HEAD, top.pk)] = slots[(Role.MUNICIPAL_DIRECTOR, None)]
        elif top is not chef_unit:
            slots[(Role.UNIT_HEAD, top.pk)] = person(
                top, "VD" if top.kind == OrgUnit.Kind.COMPANY else "Förvaltningschef"
            )
        # Most, not all: the missing ones are findings on Efterlevnad (POL-3.4).
        if top is chef_unit or rng.random() < 0.85:
            slots[(Role.SECURITY_COORDINATOR, top.pk)] = person(top, "Informationssäkerhetssamordnare")
        if top is chef_unit or rng.random() < 0.85:
            coordinator = slots.get((Role.SECURITY_COORDINATOR, top.pk))
            slots[(Role.COUNCIL_REPRESENTATIVE, top.pk)] = (
                coordinator if coordinator is not None and rng.random() < 0.4 else person(top, "Verksamhetsutvecklare")
            )
    seats = sum(b.member_count or 0 for b in kommun.boards)
    elected_count = min(math.ceil(seats * 0.7), kommun.people // 5)
    kommun.elected = [person(None, "", kind=Person.Kind.ELECTED) for _ in range(elected_count)]

    remaining = kommun.people - len(persons)
    if remaining < 0:
        raise ValueError(f"--people must be at least {len(persons)} for {kommun.units} units.")
    weights = [0.3 if u.kind != OrgUnit.Kind.UNIT else rng.uniform(0.5, 2.0) for u in kommun.all_units]
    chef_paths = chef_unit.path
    protected_in_chef_unit = False
    for unit in rng.choices(kommun.all_units, weights=weights, k=remaining):
        protected = rng.random() < 0.005
        if not protected_in_chef_unit and unit.path.startswith(chef_paths):
            protected = protected_in_chef_unit = True
        ended = None if protected or rng.random() >= 0.02 else kommun.date_back(30, 900)
        person(unit, protected_identity=protected, ended_on=ended)

    kommun.persons = Person.objects.bulk_create(persons, batch_size=BATCH)
    role_holders = {id(p) for p in slots.values()} | {id(p) for p in bench_people.values()}
    for p in kommun.persons:
        kommun.log(p, always=id(p) in role_holders)
    kommun.targets["person"] = slots[(Role.SECURITY_COORDINATOR, chef_unit.pk)].pk
    kommun.targets["enhet"] = bench_people["medarbetare"].unit_id or chef_unit.pk


def _top_id(unit: OrgUnit) -> int:
    """The id of the förvaltning/bolag a unit belongs to: the first id of its path ("/12/40/")."""
    return int(unit.path.strip("/").split("/", 1)[0])


def step_roles(kommun: Kommun) -> None:
    """The slots' roles, board seats for the current mandate period (and some from the one
    before), and ended predecessors for a third of the unit heads."""
    rng = kommun.rng
    mandate = kommun.mandate
    assert mandate is not None
    units = {u.pk: u for u in kommun.all_units}
    assignments: list[RoleAssignment] = []
    for (role, unit_id), person in kommun.slots.items():
        assignments.append(
            RoleAssignment(
                person=person,
                role=role,
                unit=units.get(unit_id) if unit_id else None,
                starts_on=kommun.date_back(60, 2000),
            )
        )
    assignments.append(
        RoleAssignment(
            person=kommun.slots[(Role.IT_MANAGER, None)], role=Role.COUNCIL_CHAIR, starts_on=kommun.date_back(60, 2000)
        )
    )
    employees_by_top: dict[int, list[Person]] = {}
    for person in kommun.persons:
        if person.unit is not None and person.ended_on is None:
            employees_by_top.setdefault(_top_id(person.unit), []).append(person)
    for top in kommun.tops:
        staff = employees_by_top.get(top.pk, [])
        current = next(a for a in assignments if a.role == Role.UNIT_HEAD and a.unit is top)
        if staff and rng.random() < 0.33:
            ended = current.starts_on - datetime.timedelta(days=1)
            assignments.append(
                RoleAssignment(
                    person=rng.choice(staff),
                    role=Role.UNIT_HEAD,
                    unit=top,
                    starts_on=ended - datetime.timedelta(days=rng.randint(365, 3000)),
                    ends_on=ended,
                    note="Föregående förvaltningschef",
                )
            )
    previous = services.mandate_period_for(mandate.starts_on - datetime.timedelta(days=1), mandate.anchor)
    for board in kommun.boards:
        members = rng.sample(kommun.elected, min(board.member_count or 0, len(kommun.elected)))
        for member in members:
            assignments.append(
                RoleAssignment(person=member, role=Role.BOARD_MEMBER, board=board, starts_on=mandate.starts_on)
            )
            if rng.random() < 0.1:
                assignments.append(
                    RoleAssignment(
                        person=member,
                        role=Role.BOARD_MEMBER,
                        board=board,
                        starts_on=previous.starts_on,
                        ends_on=previous.ends_on,
                    )
                )
    kommun.assignments = RoleAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    target = kommun.targets["person"]
    for assignment in kommun.assignments:
        kommun.log(assignment, always=assignment.person_id == target or assignment.person.user_id is not None)


def step_changelog(kommun: Kommun) -> None:
    """Create entries for the structure, the page targets and a sample of the rest (in the
    order they were created), then a few edits through the services, as the strategist."""
    strategist = kommun.users["strateg"]
    always = [obj for obj, flag in kommun.loggable if flag]
    pool = [index for index, (_obj, flag) in enumerate(kommun.loggable) if not flag]
    chosen = set(kommun.rng.sample(pool, min(len(pool), max(0, kommun.changelog - len(always)))))
    for index, (obj, flag) in enumerate(kommun.loggable):
        if flag or index in chosen:
            structural = isinstance(obj, Board | OrgUnit)
            record_create(obj, user=None if structural else strategist)

    chef_unit = kommun.chef_unit
    assert chef_unit is not None
    services.unit_update(actor=strategist, unit=chef_unit, short_name=f"{chef_unit.short_name}X")
    services.unit_update(actor=strategist, unit=chef_unit, short_name=chef_unit.short_name.removesuffix("X"))
    target = Person.objects.select_related("unit").get(pk=kommun.targets["person"])
    moved_to = next((u for u in kommun.subtree(chef_unit) if u.pk != target.unit_id), chef_unit)
    services.person_update(actor=strategist, person=target, title="Samordnare för informationssäkerhet")
    services.person_update(actor=strategist, person=target, unit=moved_to)
    services.person_update(actor=strategist, person=target, unit=chef_unit)
    # A board on the newest page of /historik/ at every size (its rows fetch one query per kind
    # of object they name, so the scaling check compares pages naming the same kinds).
    if "system" in kommun.targets:
        system = InformationSystem.objects.select_related("unit").get(pk=kommun.targets["system"])
        system_services.system_update(actor=strategist, system=system, accountable_board=kommun.boards[1])


SYSTEM_KINDS = (
    "Verksamhetssystem Journalsystem Ärendesystem Ekonomisystem Lönesystem Skolplattform E-tjänst Bokningssystem "
    "Kartsystem Arkiv Register Planeringsverktyg Passersystem Larmsystem Portal"
).split()
MODELS = ["on_premises", "vendor_hosted", "saas", "hybrid", "paper", ""]


def step_systems(kommun: Kommun) -> None:
    """Parties, systems across the förvaltningar and bolag (about one in twelve incomplete),
    1–3 information sets each with a fastställd classification, user groups and agreements.

    The first two systems are the pages' targets, the same at every size: a complete, fully
    classified Journalsystem of the unit head's förvaltning (the detail pages; its agreements
    expiring within the notice window grow with the kommun, one per 2,500 systems, so that a
    query per agreement shows in the scaling check) and an incomplete one beside it (the
    "incomplete" filter is never empty for the unit head)."""
    from lis.classification.models import Classification

    rng = kommun.rng
    parties = Party.objects.bulk_create(
        [Party(name=f"Leverantör {i + 1} AB", kind="external") for i in range(max(20, kommun.systems // 50))],
        batch_size=BATCH,
    )
    people = kommun.persons or list(Person.objects.all()[:1000])
    approver = kommun.users["strateg"]
    proposer = kommun.users["chef"]
    systems = []
    for index in range(kommun.systems):
        unit = rng.choice(kommun.tops)
        incomplete = rng.random() < 0.08
        systems.append(
            InformationSystem(
                name=f"{rng.choice(SYSTEM_KINDS)} {index + 1}",
                unit=unit,
                description="Syntetiskt system.",
                system_owner=None if incomplete else rng.choice(parties),
                status="operational",
                system_steward=None if incomplete else rng.choice(people),
                responsible_manager=rng.choice(people),
                operating_model=rng.choice(MODELS[:-1]) if not incomplete else "",
                no_consumers=rng.random() < 0.5,
                personal_data=rng.random() < 0.6,
                tags="bench",
            )
        )
    chef_top = kommun.chef_unit
    target = gap = None
    if chef_top is not None and len(systems) >= 2:
        head = kommun.slots[(Role.UNIT_HEAD, chef_top.pk)]  # active, no skyddad identitet
        target, gap = systems[0], systems[1]
        target.name, target.unit, target.system_owner = "Journalsystem 1", chef_top, parties[0]
        target.responsible_manager, target.system_steward = head, head
        target.operating_model, target.no_consumers = "saas", False
        gap.unit, gap.system_owner, gap.system_steward, gap.operating_model = chef_top, None, None, ""
    systems = InformationSystem.objects.bulk_create(systems, batch_size=BATCH)
    window = get_pack().agreement_notice_window_days
    sets, groups, agreements = [], [], []
    for system in systems:
        for n in range(rng.randint(1, 3)):
            sets.append(InformationSet(system=system, name=f"Informationsmängd {n + 1}"))
        groups.append(UserGroup(system=system, kind="user", description="Handläggare", approximate_size=20))
        if not system.no_consumers:
            groups.append(UserGroup(system=system, kind="consumer", description="Invånare"))
        if system is target:
            expiring = 1 + kommun.systems // 2500
            for n in range(expiring):
                agreements.append(
                    Agreement(
                        system=system,
                        counterparty=parties[n % len(parties)],
                        reference=f"AVT-{n + 1}",
                        ends_on=kommun.today + datetime.timedelta(days=(n + 1) * window // (expiring + 1)),
                    )
                )
        elif system.system_owner_id:
            agreements.append(
                Agreement(
                    system=system,
                    counterparty_id=system.system_owner_id,
                    reference="AVT",
                    ends_on=kommun.today + datetime.timedelta(days=rng.randint(-100, 1500)),
                )
            )
    sets = InformationSet.objects.bulk_create(sets, batch_size=BATCH)
    UserGroup.objects.bulk_create(groups, batch_size=BATCH)
    Agreement.objects.bulk_create(agreements, batch_size=BATCH)
    now = datetime.datetime.now(datetime.UTC)
    classifications, by_system = [], {}
    target_pk = target.pk if target is not None else None
    for information_set in sets:
        unclassified = rng.random() < 0.05
        if unclassified and information_set.system_id != target_pk:
            continue  # not yet classified
        levels = {aspect: str(rng.choice([0, 1, 1, 2, 2, 3])) for aspect in ("K", "R", "T")}
        classifications.append(
            Classification(
                information_set=information_set,
                status="approved",
                levels=levels,
                motivation="Syntetisk.",
                created_by=proposer,
                proposed_by=proposer,
                proposed_at=now,
                approved_by=approver,
                approved_at=now,
            )
        )
        merged = by_system.setdefault(information_set.system_id, {})
        for aspect, level in levels.items():
            merged[aspect] = max(merged.get(aspect, "0"), level)
    Classification.objects.bulk_create(classifications, batch_size=BATCH)
    classified_sets = {c.information_set_id for c in classifications}
    complete = {s.system_id for s in sets} - {s.system_id for s in sets if s.pk not in classified_sets}
    for system in systems:
        levels = by_system.get(system.pk, {})
        system.levels, system.classified = levels, system.pk in complete
        system.level_rank = max((int(v) for v in levels.values()), default=None)
    InformationSystem.objects.bulk_update(systems, ["levels", "classified", "level_rank"], batch_size=BATCH)
    target = target or (systems[0] if systems else None)
    if target is not None:
        kommun.targets["system"] = target.pk
        kommun.log(target, always=True)
    for system in systems[:: max(1, len(systems) // 200)]:
        kommun.log(system)


RISKS_PER_SYSTEM = 5  # 10,000 systems: about 50,000 risks
MEASURES_PER_SYSTEM = [8, 9, 10, 11, 12]  # about 10 per system: 100,000 for 10,000 systems


def step_risks(kommun: Kommun) -> None:
    """An informationssäkerhetsanalys for the current mandatperiod per förvaltning and bolag:
    every fourth reported to its board with a decision (and the unit head's, the pages'
    target), every fourth klar, the rest pågående. Five risks per system above the lowest
    level, about 10 measures per system each treating one or two of its risks, due dates
    spread around today so that some open ones are overdue."""
    from lis.plans.models import Decision

    rng = kommun.rng
    pack = get_pack()
    period = services.mandate_period_for(kommun.today, pack.action_plan_period_anchor)
    people = kommun.persons or list(Person.objects.all()[:1000])
    analyses: dict[int, SecurityAnalysis] = {}
    decisions = []
    for index, unit in enumerate(kommun.tops):
        state = "reported" if unit == kommun.chef_unit else ("reported", "done", "ongoing", "ongoing")[index % 4]
        if state == "reported" and not unit.governing_board_id:
            state = "done"
        analyses[unit.pk] = SecurityAnalysis(
            unit=unit,
            period=period,
            started_on=max(period.starts_on, kommun.today - datetime.timedelta(days=300)),
            status=state,
            completed_on=kommun.today - datetime.timedelta(days=30) if state != "ongoing" else None,
            summary="Syntetisk analys.",
        )
        if state == "reported":
            decisions.append(
                (
                    unit.pk,
                    Decision(
                        board_id=unit.governing_board_id,
                        meeting_date=kommun.today - datetime.timedelta(days=20),
                        paragraph=100 + index,
                        diary_series="",
                        diary_year=kommun.today.year,
                        diary_serial=1000 + index,
                        subject="Informationssäkerhetsanalys",
                    ),
                )
            )
    Decision.objects.bulk_create([d for _unit, d in decisions], batch_size=BATCH)
    SecurityAnalysis.objects.bulk_create(analyses.values(), batch_size=BATCH)
    # Reported as version 1; the target's version is given its content once its risks exist.
    versions = {
        unit_pk: AnalysisVersion(analysis=analyses[unit_pk], number=1, decision=decision, content={}, pdf=b"")
        for unit_pk, decision in decisions
    }
    SecurityAnalysis.participants.through.objects.bulk_create(
        [
            SecurityAnalysis.participants.through(securityanalysis_id=analysis.pk, person_id=person.pk)
            for analysis in analyses.values()
            for person in rng.sample(people, min(4, len(people)))
        ],
        batch_size=BATCH,
    )
    threats = [t.key for t in pack.threats]
    treatments = [t.key for t in pack.treatments]
    aspects = [a.key for a in pack.aspects]
    systems = (
        InformationSystem.objects.exclude(classified=True, level_rank=0)
        .filter(unit_id__in=analyses)
        .order_by("pk")
        .values_list("pk", "unit_id")
    )
    risks = []
    for system_pk, unit_pk in systems.iterator():
        for n in range(RISKS_PER_SYSTEM):
            likelihood, consequence = rng.randint(1, 4), rng.randint(1, 4)
            treatment = rng.choice(treatments) if rng.random() < 0.7 else ""
            reduced = treatment not in ("", "accept")
            risks.append(
                Risk(
                    analysis=analyses[unit_pk],
                    system_id=system_pk,
                    threat=rng.choice(threats) if n % 2 == 0 else "",
                    cause="Syntetisk orsak",
                    event=f"Syntetisk händelse {n + 1}",
                    consequence_text="Syntetisk konsekvens",
                    aspects=sorted(rng.sample(aspects, rng.randint(1, len(aspects)))),
                    likelihood=likelihood,
                    consequence=consequence,
                    existing_protection="Syntetiskt skydd.",
                    owner=rng.choice(people),
                    treatment=treatment,
                    treatment_motivation="Syntetisk motivering." if treatment else "",
                    residual_likelihood=max(1, likelihood - rng.randint(1, 2)) if reduced else None,
                    residual_consequence=consequence if reduced else None,
                )
            )
    risks = Risk.objects.bulk_create(risks, batch_size=BATCH)
    kinds = [m.key for m in pack.measure_types]
    statuses = [m.key for m in pack.measure_statuses]
    measures, treated = [], []
    for start in range(0, len(risks), RISKS_PER_SYSTEM):
        block = risks[start : start + RISKS_PER_SYSTEM]  # one system's risks
        for _ in range(rng.choice(MEASURES_PER_SYSTEM)):
            chosen = rng.sample(block, min(len(block), rng.choice([1, 1, 2])))
            measures.append(
                Measure(
                    analysis=block[0].analysis,
                    title=f"Syntetisk åtgärd {len(measures) + 1}",
                    kind=rng.choice(kinds),
                    aspects=sorted({a for risk in chosen for a in risk.aspects}),
                    responsible=rng.choice(people),
                    due_on=kommun.today + datetime.timedelta(days=rng.randint(-200, 400)),
                    status=rng.choice(statuses),
                )
            )
            treated.append(chosen)
    measures = Measure.objects.bulk_create(measures, batch_size=BATCH)
    Measure.risks.through.objects.bulk_create(
        [
            Measure.risks.through(measure_id=measure.pk, risk_id=risk.pk)
            for measure, chosen in zip(measures, treated, strict=True)
            for risk in chosen
        ],
        batch_size=BATCH,
    )
    target = analyses.get(kommun.chef_unit.pk) if kommun.chef_unit is not None else None
    target = target or next(iter(analyses.values()))
    kommun.targets["analysis"] = target.pk
    if target.unit_id in versions:
        versions[target.unit_id].content = analysis_content(target)
    AnalysisVersion.objects.bulk_create(versions.values(), batch_size=BATCH)
    on_target_system = Risk.objects.filter(analysis=target, system_id=kommun.targets.get("system"))
    risk = on_target_system.order_by("pk").first() or Risk.objects.filter(analysis=target).order_by("pk").first()
    kommun.targets["risk"] = risk.pk
    # The analysis's history names the same three kinds of object at every size.
    kommun.log(target, always=True)
    kommun.log(risk, always=True)
    measure = next((m for m in measures if m.analysis is target), None)
    if measure is not None:
        kommun.log(measure, always=True)


def step_plans(kommun: Kommun) -> None:
    """A handlingsplan per förvaltning and bolag for the period (every other one decided, with
    a frozen version and a follow-up), the IT continuity plan and the eight routines."""
    from lis.plans.models import ActionPlan, ActionPlanVersion, ContinuityPlan, Decision, FollowUp
    from lis.plans.services import routines_ensure_required

    pack = get_pack()
    period = services.mandate_period_for(kommun.today, pack.action_plan_period_anchor)
    texts = {section.key: "Syntetisk text." for section in pack.action_plan_sections}
    plans = ActionPlan.objects.bulk_create(
        [
            ActionPlan(unit=unit, period=period, sections=texts, status="decided" if i % 2 == 0 else "draft")
            for i, unit in enumerate(kommun.tops)
        ],
        batch_size=BATCH,
    )
    decided = [plan for plan in plans if plan.status == "decided" and plan.unit.governing_board_id]
    decisions = Decision.objects.bulk_create(
        [
            Decision(
                board_id=plan.unit.governing_board_id,
                meeting_date=kommun.today - datetime.timedelta(days=60 + kind),
                paragraph=200 + i,
                diary_year=kommun.today.year,
                diary_serial=3000 + 2 * i + kind,
                subject="Handlingsplan",
            )
            for i, plan in enumerate(decided)
            for kind in (0, 1)
        ],
        batch_size=BATCH,
    )
    ActionPlanVersion.objects.bulk_create(
        [
            ActionPlanVersion(
                plan=plan, number=1, content={"sections": []}, decision=decisions[2 * i], pdf=b"%PDF-bench"
            )
            for i, plan in enumerate(decided)
        ],
        batch_size=BATCH,
    )
    FollowUp.objects.bulk_create(
        [
            FollowUp(
                plan=plan, followed_up_on=kommun.today - datetime.timedelta(days=59), decision=decisions[2 * i + 1]
            )
            for i, plan in enumerate(decided)
        ],
        batch_size=BATCH,
    )
    target = next((plan for plan in plans if plan.unit == kommun.chef_unit), plans[0])
    kommun.targets["plan"] = target.pk
    it_unit = OrgUnit.objects.filter(function=OrgUnit.Function.IT).first() or kommun.tops[0]
    continuity = ContinuityPlan.objects.create(
        owner_unit=it_unit,
        title="Handlingsplan IT – kontinuitet och drift",
        sections={s.key: "Syntetisk text." for s in pack.continuity_sections},
        review_due=kommun.today + datetime.timedelta(days=200),
    )
    kommun.targets["continuity"] = continuity.pk
    routines_ensure_required()


def step_council(kommun: Kommun) -> None:
    """E-rådet: four justerade and registered meetings last year and two held this year (one
    justerat), one planned; agenda items with minutes and advice, attendance for every seat, and
    SUA assessments for half of the externally run systems. The target meeting's minutes carry
    the real PDF/A; the others a placeholder."""
    from django.utils import timezone

    from lis.council import selectors as council_selectors
    from lis.council.documents import minutes_pdf
    from lis.council.models import Advice, AgendaItem, Attendance, Meeting, Minutes, SuaAssessment

    rng = kommun.rng
    council = council_selectors.council_get()
    zone = timezone.get_current_timezone()
    year = kommun.today.year

    def at(day: datetime.date, hour: int) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=zone)

    days = [datetime.date(year - 1, month, 12) for month in (2, 5, 9, 11)]
    days += [kommun.today - datetime.timedelta(days=40), kommun.today - datetime.timedelta(days=5)]
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                council=council,
                starts_at=at(day, 13),
                ends_at=at(day, 15),
                location="Kommunhuset",
                status=Meeting.Status.HELD,
                adjuster=kommun.slots[(Role.SECURITY_STRATEGIST, None)],
                agenda_sent_at=at(day - datetime.timedelta(days=10), 9),
            )
            for day in days
        ]
        + [
            Meeting(
                council=council,
                starts_at=at(kommun.today + datetime.timedelta(days=30), 13),
                ends_at=at(kommun.today + datetime.timedelta(days=30), 15),
                location="Kommunhuset",
            )
        ]
    )
    chair = kommun.slots[(Role.IT_MANAGER, None)]
    seats = [
        (chair, Role.COUNCIL_CHAIR, None),
        (kommun.slots[(Role.SECURITY_STRATEGIST, None)], Role.SECURITY_STRATEGIST, None),
    ]
    seats += [
        (kommun.slots[(Role.COUNCIL_REPRESENTATIVE, top.pk)], Role.COUNCIL_REPRESENTATIVE, top)
        for top in kommun.tops
        if (Role.COUNCIL_REPRESENTATIVE, top.pk) in kommun.slots
    ]
    seen: set[tuple[int, int]] = set()
    attendance = []
    for meeting in meetings[:-1]:
        for person, seat, unit in seats:
            if (meeting.pk, person.pk) in seen:
                continue
            seen.add((meeting.pk, person.pk))
            attendance.append(
                Attendance(
                    meeting=meeting,
                    person=person,
                    seat=seat,
                    unit=unit,
                    presence="present" if rng.random() < 0.85 else "absent",
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=BATCH)
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(
                meeting=meeting,
                position=position,
                kind=AgendaItem.Kind.STANDING if position <= 3 else AgendaItem.Kind.MEMBER,
                standing_key="overdue_measures" if position <= 3 else "",
                title=f"Punkt {position}",
                description="Syntetisk beskrivning.",
                unit=kommun.tops[position % len(kommun.tops)],
                minutes="Syntetisk minnesanteckning." if meeting.status == Meeting.Status.HELD else "",
                secret=meeting is meetings[1] and position == 6,
                secrecy_provision="OSL 18 kap. 8 §" if meeting is meetings[1] and position == 6 else "",
            )
            for meeting in meetings
            for position in range(1, 9)
        ],
        batch_size=BATCH,
    )
    Advice.objects.bulk_create(
        [
            Advice(
                agenda_item=item,
                text="Syntetiskt råd.",
                unit=item.unit,
                follow_up_by=chair,
                follow_up_on=timezone.localtime(item.meeting.starts_at).date() + datetime.timedelta(days=90),
                followed_up_on=(
                    timezone.localtime(item.meeting.starts_at).date() + datetime.timedelta(days=80)
                    if item.meeting.starts_at.year < year
                    else None
                ),
            )
            for item in items
            if item.position in (1, 4) and item.meeting.status == Meeting.Status.HELD
        ],
        batch_size=BATCH,
    )
    target = meetings[4]  # this year's first: justerat, not secret
    for number, meeting in enumerate(meetings[:5]):
        content = council_selectors.content(meeting)
        pdf = minutes_pdf(content) if meeting is target else b"%PDF-bench"
        Minutes.objects.create(
            meeting=meeting,
            content=content,
            pdf=pdf,
            pdf_sha256="0" * 64,
            justered_at=meeting.ends_at + datetime.timedelta(days=3),
            diary_series="KS",
            diary_year=meeting.starts_at.year,
            diary_serial=9000 + number,
        )
    for meeting in meetings:
        kommun.log(meeting, always=meeting is target)
    external = council_selectors.external_operating_models()
    systems = list(
        InformationSystem.objects.filter(operating_model__in=external).values_list("pk", "operating_model", "unit_id")
    )
    SuaAssessment.objects.bulk_create(
        [
            SuaAssessment(
                system_id=pk,
                reason="procurement",
                operating_model=model,
                classified_information=False,
                security_sensitive_activity=False,
                agreement_needed=False,
                sapo_consultation=False,
                decision="Ingen säkerhetsskyddad upphandling behövs.",
                decided_by=kommun.slots[(Role.SECURITY_STRATEGIST, None)],
                decided_on=kommun.today - datetime.timedelta(days=rng.randint(10, 700)),
            )
            for pk, model, _unit in systems[::2]
        ],
        batch_size=BATCH,
    )
    kommun.targets["meeting"] = target.pk
    kommun.targets["meeting_planned"] = meetings[-1].pk
    kommun.targets["council_year"] = year


INCIDENTS_PER_300_UNITS = 20_000


def step_incidents(kommun: Kommun) -> None:
    """Incidents (POL-2.6): 20,000 at 300 units (in proportion at other sizes) over the last three
    years, across the förvaltningar and bolag, most triaged and closed, one in ten with a
    personal-data clock and its notification recorded, a few timeline entries each on a sample.
    The target incident is a new personal-data breach of the unit head's förvaltning."""
    from django.utils import timezone

    from lis.core.pack import get_pack
    from lis.incidents.models import Clock, Incident, ReportSent, TimelineEntry

    rng = kommun.rng
    pack = get_pack()
    categories = list(pack.incident_categories)
    severities = [s.key for s in pack.incident_severities]
    count = max(200, round(INCIDENTS_PER_300_UNITS * kommun.units / 300))
    now = timezone.now()
    reporter_user = kommun.users["medarbetare"]
    reporters = kommun.persons[:: max(1, len(kommun.persons) // 500)]
    systems_by_top: dict[int, list[int]] = {}
    for pk, path in InformationSystem.objects.values_list("pk", "unit__path"):
        systems_by_top.setdefault(int(path.strip("/").split("/", 1)[0]), []).append(pk)
    tops = [u for u in kommun.tops] or kommun.all_units[:1]
    serials: dict[int, int] = {}
    incidents = []
    for index in range(count):
        target = index == count - 1
        unit = kommun.chef_unit if target else rng.choice(tops)
        noticed = now - datetime.timedelta(hours=2 if target else rng.randint(3, 3 * 365 * 24))
        year = timezone.localtime(noticed).year
        serials[year] = serials.get(year, 0) + 1
        status = "new" if target else rng.choices(["new", "investigating", "resolved", "closed"], [2, 5, 5, 88])[0]
        triaged = status != "new"
        incidents.append(
            Incident(
                year=year,
                serial=serials[year],
                description=f"Händelse {index}: {rng.choice(categories).lower()} upptäcktes av en medarbetare.",
                occurred_at=noticed - datetime.timedelta(hours=rng.randint(0, 48)),
                noticed_at=noticed,
                personal_data=rng.choice(["yes", "no", "unknown"]),
                contact="070-000 00 00",
                reported_by=reporter_user,
                reporter=rng.choice(reporters),
                name_withheld_from_unit=rng.random() < 0.05,
                reported_at=noticed + datetime.timedelta(minutes=rng.randint(1, 120)),
                unit=unit,
                category=rng.choice(categories) if triaged else "",
                severity=rng.choice(severities) if triaged else "",
                status=status,
                triaged_at=noticed + datetime.timedelta(hours=rng.randint(1, 24)) if triaged else None,
                resolved_at=noticed + datetime.timedelta(days=rng.randint(1, 20))
                if status in ("resolved", "closed")
                else None,
                closed_at=noticed + datetime.timedelta(days=rng.randint(21, 40)) if status == "closed" else None,
                lessons_learned="Rutinen är uppdaterad." if status == "closed" else "",
                last_activity_at=noticed,
            )
        )
    incidents = Incident.objects.bulk_create(incidents, batch_size=BATCH)
    links = []
    for incident in incidents:
        candidates = systems_by_top.get(_top_id(incident.unit), [])
        if candidates and rng.random() < 0.6:
            links.append(Incident.systems.through(incident_id=incident.pk, informationsystem_id=rng.choice(candidates)))
    Incident.systems.through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    strategist = kommun.users["strateg"]
    sample = incidents[::10] + [incidents[-1]]
    clocks = Clock.objects.bulk_create(
        [
            Clock(
                incident=i,
                key="gdpr",
                triggered=True,
                started_at=i.noticed_at,
                answered_by=strategist,
                answered_at=i.reported_at,
            )
            for i in sample
        ],
        batch_size=BATCH,
        ignore_conflicts=False,
    )
    ReportSent.objects.bulk_create(
        [
            ReportSent(
                clock=c,
                deadline="notification",
                sent_at=c.incident.noticed_at + datetime.timedelta(hours=30),
                channel="IMY:s e-tjänst",
                reference=f"IMY-{c.incident.number}",
                recorded_by=strategist,
            )
            for c in clocks
            if c.incident.status != "new"
        ],
        batch_size=BATCH,
    )
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntry(
                incident=i,
                kind=kind,
                text=text,
                happened_at=i.noticed_at + datetime.timedelta(hours=hours),
                author=strategist,
            )
            for i in sample
            for kind, text, hours in (
                ("observation", "Loggarna visar åtkomst från okänd adress.", 1),
                ("action", "Kontot spärrades.", 2),
                ("decision", "Anmälan till IMY.", 20),
            )
        ],
        batch_size=BATCH,
    )
    kommun.targets["incident"] = incidents[-1].pk


# Run in this order. New generators (systems, risks, ...) go before "changelog".
STEPS: list[tuple[str, Step]] = [
    ("municipality", step_municipality),
    ("boards", step_boards),
    ("units", step_units),
    ("logins", step_logins),
    ("people", step_people),
    ("roles", step_roles),
    ("staff", step_staff),
    ("systems", step_systems),
    ("platforms", step_platforms),
    ("risks", step_risks),
    ("plans", step_plans),
    ("council", step_council),
    ("incidents", step_incidents),
    ("training", step_training),
    ("operations", step_operations),
    ("reviews", step_reviews),
    ("changelog", step_changelog),
]


# --- running --------------------------------------------------------------------------------


@dataclass
class Summary:
    units: int
    people: int
    seed: int
    seconds: float
    step_seconds: dict[str, float]
    counts: dict[str, int]
    targets: dict[str, int]
    chain_ok: bool
    logins: dict[str, str]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _incident_count() -> int:
    from lis.incidents.models import Incident

    return Incident.objects.count()


def _counts() -> dict[str, int]:
    from lis.operations.models import ServiceNotice
    from lis.staff.models import PolicyException
    from lis.systems.models import Platform
    from lis.training.models import Completion

    return {
        "boards": Board.objects.count(),
        "units": OrgUnit.objects.count(),
        "people": Person.objects.count(),
        "protected_identities": Person.objects.filter(protected_identity=True).count(),
        "role_assignments": RoleAssignment.objects.count(),
        "systems": InformationSystem.objects.count(),
        "analyses": SecurityAnalysis.objects.count(),
        "risks": Risk.objects.count(),
        "measures": Measure.objects.count(),
        "incidents": _incident_count(),
        "training_completions": Completion.objects.count(),
        "policy_exceptions": PolicyException.objects.count(),
        "service_notices": ServiceNotice.objects.count(),
        "platforms": Platform.objects.count(),
        "users": User.objects.count(),
        "changelog_entries": ChangeLogEntry.objects.count(),
    }


def generate(
    *,
    units: int = 300,
    people: int = 20000,
    systems: int = 10000,
    changelog: int = 20000,
    seed: int = SEED,
    steps: Iterable[tuple[str, Step]] = STEPS,
    verify: bool = True,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    """Fill an empty, migrated database with a synthetic kommun; all or nothing."""
    if units < 5:
        raise ValueError("--units must be at least 5.")
    if OrgUnit.objects.exists() or Person.objects.exists():
        raise RuntimeError("The database already holds an organisation; generate into an empty one.")
    kommun = Kommun(
        units=units, people=people, systems=systems, changelog=changelog, rng=random.Random(seed), today=access.today()
    )
    step_seconds: dict[str, float] = {}
    started = time.perf_counter()
    with transaction.atomic():
        for name, step in steps:
            began = time.perf_counter()
            step(kommun)
            step_seconds[name] = time.perf_counter() - began
            if progress is not None:
                progress(f"  {name:<14} {step_seconds[name]:6.2f} s")
    if connection.vendor == "postgresql":
        # What autovacuum does soon after a bulk load on a live server: planner statistics.
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        step_seconds["analyze"] = time.perf_counter() - began
    chain_ok = True
    if verify:
        began = time.perf_counter()
        chain_ok = not any(True for _problem in verify_chain())
        step_seconds["verify_chain"] = time.perf_counter() - began
    return Summary(
        units=units,
        people=people,
        seed=seed,
        seconds=time.perf_counter() - started,
        step_seconds=step_seconds,
        counts=_counts(),
        targets=dict(kommun.targets),
        chain_ok=chain_ok,
        logins=dict(LOGINS),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a synthetic kommun into an empty LIS database.")
    parser.add_argument("--database-url", help="default: DATABASE_URL, else var/lis.sqlite3")
    parser.add_argument("--units", type=int, default=300, help="förvaltningar, bolag and enheter (default 300)")
    parser.add_argument("--people", type=int, default=20000, help="people (default 20000)")
    parser.add_argument("--systems", type=int, default=10000, help="informationssystem (default 10000)")
    parser.add_argument("--changelog", type=int, default=20000, help="create entries to write (default 20000)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)

    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    summary = generate(
        units=args.units,
        people=args.people,
        systems=args.systems,
        changelog=args.changelog,
        seed=args.seed,
        progress=print,
    )
    print(f"Generated in {summary.seconds:.1f} s: " + ", ".join(f"{v} {k}" for k, v in summary.counts.items()))
    print(f"Change-log chain {'valid' if summary.chain_ok else 'BROKEN'}.")
    print(f"Logins (password {BENCH_PASSWORD}): " + ", ".join(summary.logins.values()))
    return 0 if summary.chain_ok else 1


if __name__ == "__main__":
    sys.exit(main())
