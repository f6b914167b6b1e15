"""Platforms (POL-3.29) and IT-enhetens consultation (POL-3.27) for the large synthetic kommun
(issue 13): about 150 platforms of every kind, each system on 1–3 of them, a few phase-out
models still in use, and a consultation date on most systems. Wired in by the integrator after
step_systems."""

from __future__ import annotations

import datetime

from bench.pages import Page

BATCH = 2000
KINDS = ("os", "device", "database", "hosting", "other")
VENDORS = ("Microsoft", "Apple", "Google", "Lenovo", "HP", "Dell", "Acer", "Oracle", "Syntetisk leverantör AB")


def step_platforms(kommun) -> None:
    from lis.systems.models import InformationSystem, Platform

    rng = kommun.rng
    platforms = Platform.objects.bulk_create(
        [
            Platform(
                name=f"{kind.title()}-plattform {index + 1}",
                kind=kind,
                vendor=rng.choice(VENDORS),
                lifecycle=rng.choices(("standard", "allowed", "phase_out"), weights=(3, 5, 2))[0],
                devices_in_use=rng.randint(5, 2000) if kind == "device" else None,
                note="Syntetisk plattform.",
            )
            for index in range(150)
            for kind in (KINDS[index % len(KINDS)],)
        ],
        batch_size=BATCH,
    )
    Through = InformationSystem.platforms.through
    links = []
    consulted = []
    systems = list(InformationSystem.objects.only("pk", "status"))
    for system in systems:
        for platform in rng.sample(platforms, rng.randint(1, 3)):
            links.append(Through(informationsystem_id=system.pk, platform_id=platform.pk))
        if rng.random() < 0.85:
            system.it_consulted_on = kommun.today - datetime.timedelta(days=rng.randint(30, 3000))
            system.procurement_reference = f"UH-{system.it_consulted_on.year}-{system.pk}"
            consulted.append(system)
    Through.objects.bulk_create(links, batch_size=BATCH, ignore_conflicts=True)
    InformationSystem.objects.bulk_update(consulted, ["it_consulted_on", "procurement_reference"], batch_size=BATCH)
    kommun.targets["platform"] = platforms[0].pk


PAGES = [
    Page("systems:platform_list"),
    Page("systems:platform_list", query="typ=device&status=phase_out"),
    Page("systems:system_list", query="plattform={platform}"),
    Page("systems:system_list", query="ansvar=mina&saknar=forvaltare"),
    Page("handling:advice"),
]
