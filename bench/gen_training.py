"""Training for the large synthetic kommun (issue 13): the awareness course, about 70 % of the
people with a valid completion, 15 % expired and the rest missing, and a course per system with
its steward's completion. Wired in by the integrator after step_people/step_systems."""

from __future__ import annotations

import datetime

from bench.pages import Page

BATCH = 2000


def step_training(kommun) -> None:
    from lis.core.clock import add_months
    from lis.core.models import User
    from lis.systems.models import InformationSystem
    from lis.training.models import Completion, Course

    rng = kommun.rng
    recorder = kommun.users.get("hr") or User.objects.order_by("pk").first()
    awareness = Course.objects.create(
        name="Informationssäkerhet för alla medarbetare", code="IS-GRUND", kind="awareness"
    )
    rows = []
    target = kommun.targets.get("person")
    for person in kommun.persons:
        roll = rng.random()
        if person.pk == target:
            continue  # given a manual completion below, which the edit page opens
        if roll < 0.70:
            done = kommun.today - datetime.timedelta(days=rng.randint(1, 650))
        elif roll < 0.85:
            done = add_months(kommun.today, -rng.randint(25, 48))
        else:
            continue
        rows.append(
            Completion(person=person, course=awareness, completed_on=done, source="import", recorded_by=recorder)
        )
    courses = Course.objects.bulk_create(
        [
            Course(name=f"{name} – grundkurs", code=f"SYS-{pk}", kind="system", system_id=pk)
            for pk, name in InformationSystem.objects.filter(system_steward__isnull=False).values_list("pk", "name")
        ],
        batch_size=BATCH,
    )
    stewards = dict(
        InformationSystem.objects.filter(system_steward__isnull=False).values_list("pk", "system_steward_id")
    )
    appointed = dict(InformationSystem.objects.values_list("pk", "steward_appointed_on"))
    for course in courses:
        day = appointed.get(course.system_id) or kommun.today
        rows.append(
            Completion(
                person_id=stewards[course.system_id],
                course=course,
                completed_on=day - datetime.timedelta(days=rng.randint(0, 60)),
                source="manual",
                recorded_by=recorder,
            )
        )
    Completion.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    if target is not None:
        # The security coordinator of the chef's förvaltning: a person both personas may open.
        completion = Completion.objects.create(
            person_id=target,
            course=awareness,
            completed_on=kommun.today - datetime.timedelta(days=rng.randint(1, 650)),
            source="manual",
            recorded_by=recorder,
        )
        kommun.targets["training_completion"] = completion.pk


PAGES = [
    Page("training:overview"),
    Page("training:overview", query="status=untrained"),
    Page("training:overview", query="status=valid&sida=3"),
    Page("training:mine"),
    Page("training:course_list"),
    Page("organisation:person_detail", "person", "flik=utbildning"),
    Page("training:completion_edit", "training_completion"),
    Page("training:completion_delete", "training_completion"),
]
