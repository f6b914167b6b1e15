"""Recurring reviews for the large synthetic kommun (issue 15, item 3): when each system's
documentation, each agreement, each routine and each continuity plan was last reviewed, spread so
that about one in eight is overdue and a few percent fall due within the reminders' horizon, as
in a kommun that has used LIS for a while. Without this every review would count from today (the
rows were just registered) and none would be due, so the reminders benchmark
(bench/reminders.py) would miss these kinds.

A random generator of its own (not the kommun's), so the rest of the kommun is the same with or
without this step."""

from __future__ import annotations

import datetime
import random

REVIEW_SEED = 1523
BATCH = 500


def step_reviews(kommun) -> None:
    from lis.plans.models import ContinuityPlan, Routine
    from lis.systems.models import Agreement, InformationSystem

    rng = random.Random(REVIEW_SEED)
    today = kommun.today

    def days_ago(low: int, high: int) -> datetime.date:
        return today - datetime.timedelta(days=rng.randint(low, high))

    # Reviewed every 12 months (the pack's intervals): a last review 0–420 days ago is overdue
    # for about one in eight and due within two weeks for a few percent.
    systems = list(InformationSystem.objects.only("pk").order_by("pk"))
    for system in systems:
        system.documentation_reviewed_on = days_ago(0, 420)
    InformationSystem.objects.bulk_update(systems, ["documentation_reviewed_on"], batch_size=BATCH)

    agreements = list(Agreement.objects.only("pk", "ends_on").order_by("pk"))
    for agreement in agreements:
        starts_on = days_ago(60, 3650)
        if agreement.ends_on is not None and starts_on >= agreement.ends_on:
            starts_on = agreement.ends_on - datetime.timedelta(days=365)
        agreement.starts_on = starts_on
        agreement.last_reviewed_on = max(starts_on, days_ago(0, 420))
    Agreement.objects.bulk_update(agreements, ["starts_on", "last_reviewed_on"], batch_size=BATCH)

    # Routines and continuity plans: the next review from a month ago to three months ahead, always
    # after the last one recorded.
    def after(last: datetime.date | None, low: int, high: int) -> datetime.date:
        due = today + datetime.timedelta(days=rng.randint(low, high))
        return due if last is None or due > last else last + datetime.timedelta(days=1)

    routines = list(Routine.objects.filter(status=Routine.Status.ADOPTED).only("pk", "last_reviewed_on").order_by("pk"))
    for routine in routines:
        routine.next_review = after(routine.last_reviewed_on, -30, 90)
    Routine.objects.bulk_update(routines, ["next_review"], batch_size=BATCH)

    plans = list(ContinuityPlan.objects.only("pk", "reviewed_on").order_by("pk"))
    for plan in plans:
        plan.review_due = after(plan.reviewed_on, -20, 60)
    ContinuityPlan.objects.bulk_update(plans, ["review_due"], batch_size=BATCH)
