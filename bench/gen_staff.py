"""Exceptions, distansarbete and säkerhetsklassade placeringar for the large synthetic kommun
(issue 13): about 3,000 exceptions across the units in every state (a share to review, expired
or without expiry), 2,000 distansarbete agreements and 50 placements. Wired in by the integrator
after step_people/step_roles. The target exception is a pending request in the chef's
förvaltning, which both personas may open."""

from __future__ import annotations

import datetime

from bench.pages import Page

BATCH = 2000
EXCEPTIONS = 3000
AGREEMENTS = 2000
PLACEMENTS = 50
D = datetime.timedelta(days=1)


def step_staff(kommun) -> None:
    from django.utils import timezone

    from lis.organisation.models import Role
    from lis.staff.models import ClassifiedPosition, PolicyException, RemoteWorkAgreement

    rng = kommun.rng
    today = kommun.today
    now = timezone.now()
    recorder = kommun.users["strateg"]
    employees = [p for p in kommun.persons if p.unit_id is not None and p.ended_on is None]
    tops = {u.pk: u for u in kommun.tops}

    def chef_of(person):
        top_pk = int(person.unit.path.strip("/").split("/", 1)[0])
        chef = kommun.slots.get((Role.UNIT_HEAD, top_pk))
        return chef if chef is not None and chef.pk != person.pk else None

    def unit_of(person):
        return person.unit

    in_chef_unit = [p for p in employees if p.unit.path.startswith(kommun.chef_unit.path) and chef_of(p) is not None]
    rows = []
    states = ["requested", "granted", "refused", "withdrawn", "ended"]
    for index in range(EXCEPTIONS):
        target = index == EXCEPTIONS - 1
        person = rng.choice(in_chef_unit) if target or index % 10 == 0 else rng.choice(employees)
        chef = chef_of(person)
        status = "requested" if target else rng.choices(states, [8, 60, 10, 7, 15])[0]
        if chef is None:
            status = "withdrawn" if status != "requested" else status
        asked = now - rng.randint(1, 700) * D if not target else now - D
        paper = status == "granted" and rng.random() < 0.05
        row = PolicyException(
            person=person,
            unit=unit_of(person),
            source=f"Informationskälla {index}",
            reason="Behövs för att följa utvecklingen inom verksamhetsområdet.",
            requested_until=None if paper else asked.date() + rng.randint(30, 360) * D,
            requested_by=None,
            requested_at=None if paper else asked,
            status=status,
            recorded_by=recorder,
            created_at=asked,
        )
        if status in ("granted", "refused", "ended") and chef is not None:
            decided = min(today, asked.date() + rng.randint(0, 10) * D)
            row.decided_by = chef
            row.decided_on = decided
            row.decision_reason = "Relevant för arbetsuppgiften."
            if status != "refused" and not (paper and rng.random() < 0.5):
                row.valid_until = decided + rng.randint(10, 360) * D
                row.diary_number = f"KS {decided.year}/{index}" if rng.random() < 0.4 else ""
            if status == "ended":
                row.ended_on = min(today, decided + rng.randint(1, 200) * D)
                row.end_reason = "Används inte längre"
        rows.append(row)
    created = PolicyException.objects.bulk_create(rows, batch_size=BATCH)
    kommun.targets["exception"] = created[-1].pk
    for obj in created[:: max(1, len(created) // 300)]:
        kommun.log(obj)

    agreements = []
    with_chef = [p for p in employees if chef_of(p) is not None]
    for person in rng.sample(with_chef, min(AGREEMENTS, len(with_chef))):
        agreed = kommun.date_back(1, 1500)
        agreements.append(
            RemoteWorkAgreement(
                person=person,
                unit=person.unit,
                manager=chef_of(person),
                agreed_on=agreed,
                review_on=agreed + rng.randint(180, 730) * D,
                ends_on=agreed + rng.randint(200, 1500) * D if rng.random() < 0.2 else None,
                note="Två dagar i veckan.",
                recorded_by=recorder,
            )
        )
    RemoteWorkAgreement.objects.bulk_create(agreements, batch_size=BATCH)

    strateg = kommun.slots[(Role.SECURITY_STRATEGIST, None)]
    placements = [
        ClassifiedPosition(
            unit=rng.choice(list(tops.values())),
            title=f"Befattning {index}",
            security_class=rng.choice(["1", "2", "3"]),
            holder=rng.choice(employees) if rng.random() < 0.8 else None,
            decided_on=kommun.date_back(30, 2000),
            decided_by=strateg,
            recorded_by=recorder,
        )
        for index in range(PLACEMENTS)
    ]
    ClassifiedPosition.objects.bulk_create(placements, batch_size=BATCH)


PAGES = [
    Page("staff:overview"),
    Page("staff:overview", query="enhet={unit}"),
    Page("staff:overview", query="status=granted&lage=review&sida=2"),
    Page("staff:exception_detail", "exception"),
    Page("staff:exception_detail", "exception", "flik=historik"),
    Page("staff:remote_work_list"),
    Page("staff:classified_list", expect={"chef": 404}),
]
