"""Demo training (invented): the awareness course IS-GRUND, a course per demo system with a
steward, completions for the demo's people with about a fifth expired and some missing, and
stewards trained before their appointment except one (so POL-3.12 has a finding)."""

from __future__ import annotations

import datetime
import random

from django.db import transaction

from lis.core import access
from lis.core.clock import add_months
from lis.core.models import User
from lis.organisation.models import Person
from lis.systems.models import InformationSystem

from .models import Completion, Course


@transaction.atomic
def load_training_demo() -> list[str]:
    if Course.objects.filter(code="IS-GRUND").exists():
        return ["Utbildning: demodata finns redan."]
    recorder = User.objects.filter(username="hr").first() or User.objects.filter(is_superuser=True).first()
    if recorder is None:
        recorder = User.objects.order_by("pk").first()
    if recorder is None:
        return ["Utbildning: ingen användare att registrera med."]
    today = access.today()
    rng = random.Random(318)
    awareness = Course.objects.create(
        name="Informationssäkerhet för alla medarbetare",
        code="IS-GRUND",
        kind=Course.Kind.AWARENESS,
        description="Kommunens grundutbildning i informationssäkerhet (påhittad).",
    )
    completions = []
    people = list(Person.objects.filter(kind=Person.Kind.EMPLOYEE, ended_on__isnull=True).order_by("pk"))
    for person in people:
        roll = rng.random()
        if person.email.startswith("ali.hassan"):
            roll = 0.5  # the demo medarbetare: valid, so the import file adds a newer one
        if roll < 0.1:
            continue  # missing
        if roll < 0.3:
            done = add_months(today, -rng.randint(25, 40))  # expired
        elif roll < 0.36:
            done = add_months(today, -23) + datetime.timedelta(days=rng.randint(0, 20))  # due soon
        else:
            done = today - datetime.timedelta(days=rng.randint(60, 600))
        completions.append(
            Completion(
                person=person,
                course=awareness,
                completed_on=done,
                source=Completion.Source.IMPORT,
                source_reference="Demo: lärplattformen",
                recorded_by=recorder,
            )
        )
    courses = 0
    systems = list(
        InformationSystem.objects.filter(system_steward__isnull=False).select_related("system_steward").order_by("pk")
    )
    for index, system in enumerate(systems[:6]):
        course = Course.objects.create(
            name=f"{system.name} – grundkurs",
            code=f"SYS-{system.pk}",
            kind=Course.Kind.SYSTEM,
            system=system,
            description="Leverantörens utbildning i systemet (påhittad).",
        )
        courses += 1
        appointed = system.steward_appointed_on or today
        # One steward (the second system's) was trained only after taking up the role.
        done = appointed + datetime.timedelta(days=30) if index == 1 else appointed - datetime.timedelta(days=14)
        completions.append(
            Completion(
                person=system.system_steward,
                course=course,
                completed_on=min(done, today),
                source=Completion.Source.MANUAL,
                source_reference="Demo: kursintyg",
                recorded_by=recorder,
            )
        )
    Completion.objects.bulk_create(completions)
    return [f"Utbildning: {courses + 1} kurser och {len(completions)} genomförda utbildningar (påhittade)."]
