"""POL-3.29: the free-text "plattform" of every system becomes Platform rows in the kommun's
platform register, linked to the systems that named them; then the text field goes."""

from django.db import migrations


def split_platform_text(text: str) -> list[str]:
    """"Windows, webb ,Windows" → ["Windows", "webb"]: split on commas, trimmed, the first
    spelling of each name kept (names compared case-insensitively)."""
    names: dict[str, str] = {}
    for part in (text or "").split(","):
        name = " ".join(part.split())[:200]
        if name and name.casefold() not in names:
            names[name.casefold()] = name
    return list(names.values())


def convert_platforms(InformationSystem, Platform) -> int:
    """Create a Platform (kind "other", lifecycle "allowed") for every distinct name, reuse one
    that exists already (same name in any case), link it to the systems; the number created."""
    existing = {p.name.casefold(): p for p in Platform.objects.all()}
    created = 0
    Through = InformationSystem.platforms.through
    links = []
    for pk, text in InformationSystem.objects.exclude(platform="").values_list("pk", "platform").order_by("pk"):
        for name in split_platform_text(text):
            platform = existing.get(name.casefold())
            if platform is None:
                platform = Platform.objects.create(name=name, kind="other", lifecycle="allowed")
                existing[name.casefold()] = platform
                created += 1
            links.append(Through(informationsystem_id=pk, platform_id=platform.pk))
    Through.objects.bulk_create(links, ignore_conflicts=True)
    return created


def forwards(apps, schema_editor):
    convert_platforms(apps.get_model("systems", "InformationSystem"), apps.get_model("systems", "Platform"))


def backwards(apps, schema_editor):
    InformationSystem = apps.get_model("systems", "InformationSystem")
    for system in InformationSystem.objects.prefetch_related("platforms"):
        system.platform = ", ".join(p.name for p in system.platforms.all())[:200]
        system.save(update_fields=["platform"])


class Migration(migrations.Migration):
    dependencies = [("systems", "0003_platforms_procurement_contacts")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="informationsystem", name="platform"),
    ]
