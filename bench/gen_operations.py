"""Driftinformation for the large synthetic kommun (issue 13, POL-3.28): about 2,000 notices over
the last two years and the next two months across the systems (most completed maintenance, some
upgrades and disruptions, a few ongoing, planned and cancelled), the contact persons of a share
of the user groups, and the people each notified notice reached. The target system (its Drift tab
and the filtered overview) gets notices of every kind; the target notice is planned work on it,
notified to many people. Wired in by the integrator after step_people/step_systems."""

from __future__ import annotations

import datetime

from bench.pages import Page

BATCH = 2000
NOTICES_PER_300_UNITS = 2000


def step_operations(kommun) -> None:
    from django.utils import timezone

    from lis.core.models import User
    from lis.operations import ics
    from lis.operations.models import NoticeRecipient, ServiceNotice
    from lis.systems.models import InformationSystem, UserGroup

    rng = kommun.rng
    now = timezone.now()
    actor = kommun.users.get("strateg") or User.objects.order_by("pk").first()
    people = kommun.persons[:: max(1, len(kommun.persons) // 2000)]
    # Contact persons on a third of the user groups (the medarbetare on the target system's).
    groups = list(UserGroup.objects.filter(contact__isnull=True).values_list("pk", "system_id"))
    target_system = kommun.targets.get("system") or (groups[0][1] if groups else None)
    medarbetare = getattr(kommun.users.get("medarbetare"), "person", None)
    updates = []
    for pk, system_id in groups:
        if system_id == target_system and medarbetare is not None:
            updates.append(UserGroup(pk=pk, contact=medarbetare))
        elif rng.random() < 0.33:
            updates.append(UserGroup(pk=pk, contact=rng.choice(people)))
    UserGroup.objects.bulk_update(updates, ["contact"], batch_size=BATCH)

    named = {
        pk: {p for p in (steward, manager) if p}
        for pk, steward, manager in InformationSystem.objects.values_list(
            "pk", "system_steward_id", "responsible_manager_id"
        )
    }
    contacts: dict[int, set[int]] = {}
    for system_id, contact_id in UserGroup.objects.filter(contact__isnull=False).values_list("system_id", "contact_id"):
        contacts.setdefault(system_id, set()).add(contact_id)
    system_ids = list(named)
    if not system_ids:
        return

    count = max(200, round(NOTICES_PER_300_UNITS * kommun.units / 300))
    notices: list[ServiceNotice] = []
    links: list[tuple[int, list[int]]] = []
    for index in range(count):
        target = index == count - 1
        on_target = target or index % 50 == 0
        roll = rng.random()
        kind = "disruption" if roll < 0.25 else ("upgrade" if roll < 0.4 else "maintenance")
        if target:
            kind = "maintenance"
            start = now + datetime.timedelta(days=8, hours=rng.randint(0, 10))
        else:
            start = now - datetime.timedelta(days=rng.randint(-60, 730), hours=rng.randint(0, 23))
        hours = rng.randint(1, 8)
        if start > now:
            status = "cancelled" if rng.random() < 0.05 else "planned"
            if kind == "disruption":
                kind, start = "disruption", now - datetime.timedelta(hours=rng.randint(1, 5))
                status = "ongoing" if rng.random() < 0.02 else "completed"
        else:
            status = "completed"
        ended = start + datetime.timedelta(hours=hours) if status == "completed" else None
        notified = None
        if kind != "disruption" and status != "cancelled":
            notified = start - datetime.timedelta(days=rng.choice([2, 5, 7, 10, 14, 21]))
            if notified > now:
                notified = None if not target else now - datetime.timedelta(days=1)
        elif kind == "disruption":
            notified = start
        systems = [target_system] if on_target and target_system else []
        systems += rng.sample(system_ids, k=rng.choice([1, 1, 1, 2, 3]))
        systems = list(dict.fromkeys(systems))
        notices.append(
            ServiceNotice(
                kind=kind,
                status=status,
                title=f"{'Driftstörning' if kind == 'disruption' else 'Underhåll'} {index}",
                description="Syntetisk driftinformation.",
                impact="Systemet går inte att använda under arbetet.",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=hours),
                ended_at=ended,
                planned_with_owner="Leverantören" if kind != "disruption" else "",
                notified_at=notified,
                notified_sequence=0 if notified else None,
                short_notice_reason="Brådskande säkerhetsrättning."
                if notified and start - notified < datetime.timedelta(days=5)
                else "",
                closing_note="Klart enligt plan."
                if status == "completed"
                else ("Uppskjutet." if status == "cancelled" else ""),
                created_by=actor,
                created_at=min(now, (notified or start) - datetime.timedelta(days=1)),
            )
        )
        links.append((index, systems))
    notices = ServiceNotice.objects.bulk_create(notices, batch_size=BATCH)
    through = ServiceNotice.systems.through
    through.objects.bulk_create(
        [
            through(servicenotice_id=notices[index].pk, informationsystem_id=system_id)
            for index, systems in links
            for system_id in systems
        ],
        batch_size=BATCH,
    )
    recipients = []
    for index, systems in links:
        notice = notices[index]
        if notice.notified_at is None:
            continue
        reached: set[int] = set()
        for system_id in systems:
            reached |= named.get(system_id, set()) | contacts.get(system_id, set())
        recipients += [NoticeRecipient(notice=notice, person_id=pk, notified_at=notice.notified_at) for pk in reached]
    NoticeRecipient.objects.bulk_create(recipients, batch_size=BATCH)

    target_notice = notices[-1]
    kommun.targets["notice"] = target_notice.pk
    if target_system:
        kommun.targets.setdefault("system", target_system)
    kommun.log(target_notice, always=True)
    user = kommun.users.get("medarbetare") or actor
    # The feed's address is personal: a signed token naming the user (valid while the password stands).
    kommun.targets["operations_feed"] = ics.feed_token(user)


PAGES = [
    Page("operations:overview"),
    Page("operations:overview", query="system={system}"),
    Page("operations:notice_detail", "notice"),
    Page("operations:notice_detail", "notice", "flik=historik"),
    Page("systems:system_detail", "system", "flik=drift"),
    Page("operations:feed", "operations_feed", content_type="text/calendar"),
]
