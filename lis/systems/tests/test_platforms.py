"""Issue 13 item 4: the platform register (POL-3.29), procurement (POL-3.27), user-group
contacts (POL-3.28), the free-text conversion and the start page's "my systems' gaps"."""

from __future__ import annotations

import datetime
import importlib

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lis.conftest import make_persona
from lis.core.extensions import attention
from lis.core.models import ChangeLogEntry
from lis.organisation.models import Role
from lis.systems import selectors, services
from lis.systems.models import InformationSystem, Platform

migration = importlib.import_module("lis.systems.migrations.0004_platform_text_to_platforms")
TODAY = datetime.datetime(2026, 12, 1, 10, tzinfo=datetime.UTC)


@pytest.fixture
def platform(db):
    return services.platform_create(actor=None, name="Windows 11", kind="os", lifecycle="standard")


# --- migration ---------------------------------------------------------------------------------


def test_it_splits_trims_and_dedupes_platform_text():
    assert migration.split_platform_text(" Windows, webb ,windows,, WEBB , SQL  Server") == [
        "Windows",
        "webb",
        "SQL Server",
    ]
    assert migration.split_platform_text("") == []


def test_it_converts_free_text_rows_into_linked_platforms(make_system):
    """The conversion function on sample rows: stands in for the historical models, whose
    `platform` column the test database no longer has."""
    first, second, third = make_system(name="A"), make_system(name="B"), make_system(name="C")
    existing = services.platform_create(actor=None, name="Webb", kind="other")
    rows = {first.pk: "Windows, Webb", second.pk: "windows ,  webb, Linux", third.pk: ""}

    class Rows:
        platforms = InformationSystem.platforms

        class objects:  # noqa: N801 - mimics a manager
            @staticmethod
            def exclude(platform):
                class Q:
                    @staticmethod
                    def values_list(*names):
                        class R:
                            @staticmethod
                            def order_by(*_):
                                return [(pk, text) for pk, text in sorted(rows.items()) if text != platform]

                        return R

                return Q

    created = migration.convert_platforms(Rows, Platform)
    assert created == 2  # Windows and Linux; "Webb" existed already
    assert Platform.objects.get(name="Windows").kind == "other"
    assert Platform.objects.get(name="Windows").lifecycle == "allowed"
    assert {p.name for p in first.platforms.all()} == {"Windows", "Webb"}
    assert {p.name for p in second.platforms.all()} == {"Windows", "Webb", "Linux"}
    assert existing in second.platforms.all()
    assert not third.platforms.exists()


# --- permissions -------------------------------------------------------------------------------

MANAGERS = {"strategist", "administrator", "it_manager"}


@pytest.mark.parametrize(
    "key", ["strategist", "administrator", "it_manager", "hr", "unit_head_buf", "coordinator_vaf", "employee_vaf"]
)
def test_platform_access_matrix(personas, platform, key):
    client = personas[key].client()
    allowed = key in MANAGERS
    assert client.get(reverse("systems:platform_list")).status_code == 200
    assert client.get(reverse("systems:platform_create")).status_code == (200 if allowed else 403)
    assert client.get(reverse("systems:platform_edit", args=[platform.pk])).status_code == (200 if allowed else 403)
    response = client.post(
        reverse("systems:platform_create"), {"name": f"Ny {key}", "kind": "database", "lifecycle": "allowed"}
    )
    assert response.status_code == (302 if allowed else 403)
    assert Platform.objects.filter(name=f"Ny {key}").exists() == allowed


def test_a_chef_of_the_it_unit_manages_platforms_but_a_chef_elsewhere_does_not(amal, personas):
    it_head = make_persona(amal, "it_head", unit="IT", roles=[(Role.UNIT_HEAD, "IT", None)])
    assert selectors.can_manage_platforms(it_head.principal() if hasattr(it_head, "principal") else _p(it_head))
    assert not selectors.can_manage_platforms(_p(personas["unit_head_buf"]))
    response = it_head.client().post(
        reverse("systems:platform_create"), {"name": "Chromebook", "kind": "device", "lifecycle": "allowed"}
    )
    assert response.status_code == 302
    entry = ChangeLogEntry.objects.get(object_type="systems.platform", action="create")
    assert entry.user == it_head.user


def _p(persona):
    from lis.core.access import principal_for

    return principal_for(persona.user)


def test_it_rejects_a_duplicate_platform_name_in_swedish(personas, platform):
    response = (
        personas["it_manager"]
        .client()
        .post(reverse("systems:platform_create"), {"name": "windows 11", "kind": "os", "lifecycle": "allowed"})
    )
    assert response.status_code == 200
    assert "Det finns redan en plattform som heter" in response.content.decode()
    assert Platform.objects.count() == 1


# --- the list ------------------------------------------------------------------------------------


def test_platform_list_counts_only_systems_the_user_may_see(make_system, personas, platform):
    make_system(unit="VAF", name="Omsorg", platforms=[platform])
    make_system(unit="BUF", name="Skola", platforms=[platform])
    make_system(unit="BUF", name="Skola 2", platforms=[platform])
    everyone = {p.pk: p for p in selectors.platforms_with_usage(_p(personas["strategist"]))}
    assert (everyone[platform.pk].system_count, everyone[platform.pk].unit_count) == (3, 2)
    vaf = {p.pk: p for p in selectors.platforms_with_usage(_p(personas["coordinator_vaf"]))}
    assert (vaf[platform.pk].system_count, vaf[platform.pk].unit_count) == (1, 1)
    employee = {p.pk: p for p in selectors.platforms_with_usage(_p(personas["employee_vaf"]))}
    assert not employee[platform.pk].system_count
    html = personas["coordinator_vaf"].client().get(reverse("systems:platform_list")).content.decode()
    assert "Windows 11" in html and f"?plattform={platform.pk}" in html


def test_it_flags_a_phase_out_platform_still_in_use(make_system, personas):
    old = services.platform_create(actor=None, name="Windows 10", kind="os", lifecycle="phase_out")
    make_system(name="Gammalt", platforms=[old])
    html = personas["strategist"].client().get(reverse("systems:platform_list")).content.decode()
    assert "Windows 10 avvecklas men används av 1 system" in html
    assert "⚠ Avvecklas" in html  # the word, not only the colour


def test_the_systems_list_filters_by_platform(make_system, personas, platform):
    make_system(name="Med plattform", platforms=[platform])
    make_system(name="Utan plattform")
    html = personas["strategist"].client().get(reverse("systems:system_list"), {"plattform": platform.pk}).content
    assert "Med plattform" in html.decode() and "Utan plattform" not in html.decode()
    html = personas["strategist"].client().get(reverse("systems:system_list"), {"q": "windows"}).content.decode()
    assert "Med plattform" in html and "Utan plattform" not in html


def _platforms(n: int) -> None:
    for index in range(n):
        services.platform_create(actor=None, name=f"Modell {index}", kind=("os", "device", "database")[index % 3])


def test_the_platform_list_keeps_its_query_count(make_system, personas, django_assert_max_num_queries):
    client = personas["coordinator_vaf"].client()
    _platforms(5)
    make_system(platforms=list(Platform.objects.all()))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("systems:platform_list")).status_code == 200
    _platforms(0)
    for index in range(25):
        services.platform_create(actor=None, name=f"Fler {index}", kind="hosting")
    for index in range(5):
        make_system(name=f"System {index}", platforms=list(Platform.objects.all()))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("systems:platform_list")).status_code == 200


# --- the system form ---------------------------------------------------------------------------


def _form_data(system, **changes):
    data = {
        "name": system.name,
        "status": system.status,
        "unit": system.unit_id,
        "operating_model": system.operating_model,
        "system_owner": system.system_owner_id or "",
    }
    return data | changes


@time_machine.travel(TODAY)
def test_it_rejects_a_future_consultation_date_in_swedish(make_system, personas):
    system = make_system()
    url = reverse("systems:it_consultation", args=[system.pk])
    response = personas["it_manager"].client().post(url, {"it_consulted_on": "2026-12-24"})
    assert response.status_code == 200
    assert "Dagen då IT-enheten rådfrågades kan inte ligga i framtiden." in response.content.decode()
    system.refresh_from_db()
    assert system.it_consulted_on is None


@time_machine.travel(TODAY)
def test_it_saves_platforms_and_procurement_and_records_them(make_system, personas, platform):
    system = make_system()
    client = personas["coordinator_vaf"].client()
    url = reverse("systems:system_edit", args=[system.pk])
    form = client.get(url).context["form"]
    data = _form_data(
        system,
        procurement_reference="UH-2026-7",
        platforms=[platform.pk],
        **{"_version": form.edit_guard.version},
    )
    assert client.post(url, data).status_code == 302
    it_url = reverse("systems:it_consultation", args=[system.pk])
    assert personas["it_manager"].client().post(it_url, {"it_consulted_on": "2026-10-01"}).status_code == 302
    system.refresh_from_db()
    assert system.it_consulted_on == datetime.date(2026, 10, 1)
    assert list(system.platforms.all()) == [platform]
    entries = ChangeLogEntry.objects.filter(object_type="systems.informationsystem", object_id=str(system.pk))
    assert any(e.changes.get("platforms") == [[], [platform.pk]] for e in entries)
    html = client.get(reverse("systems:system_detail", args=[system.pk])).content.decode()
    assert "Anskaffning" in html and "UH-2026-7" in html and "2026-10-01" in html
    assert "Windows 11" in html
    history = client.get(reverse("systems:system_detail", args=[system.pk]), {"flik": "historik"}).content.decode()
    assert "Windows 11" in history


def test_a_system_in_procurement_without_it_shows_the_hint(make_system, personas):
    system = make_system(status="procurement")
    html = personas["coordinator_vaf"].client().get(reverse("systems:system_detail", args=[system.pk])).content
    assert "Upphandlingen ska göras i samråd med IT-enheten (POL-3.27)." in html.decode()
    services.system_update(actor=None, system=system, it_consulted_on=datetime.date(2025, 1, 1))
    html = personas["coordinator_vaf"].client().get(reverse("systems:system_detail", args=[system.pk])).content
    assert "POL-3.27)." not in html.decode()


# --- user-group contact ----------------------------------------------------------------------------


def test_a_user_group_gets_a_contact_person(make_system, personas):
    system = make_system()
    client = personas["coordinator_vaf"].client()
    contact = personas["employee_vaf"].person
    response = client.post(
        reverse("systems:user_group_create", args=[system.pk]),
        {"kind": "user", "description": "Handläggare", "contact": contact.pk},
    )
    assert response.status_code == 302
    assert system.user_groups.get().contact == contact
    html = client.get(reverse("systems:system_detail", args=[system.pk]), {"flik": "roller"}).content.decode()
    assert "Kontaktperson" in html and contact.last_name in html


def test_the_contact_picker_offers_only_people_the_user_may_see(make_system, personas):
    system = make_system()
    form = personas["coordinator_vaf"].client().get(reverse("systems:user_group_create", args=[system.pk]))
    offered = set(form.context["form"].fields["contact"].queryset.values_list("pk", flat=True))
    assert personas["employee_vaf"].person.pk in offered
    assert personas["unit_head_buf"].person.pk not in offered


# --- start page -------------------------------------------------------------------------------------


class _Request:
    def __init__(self, persona):
        self.principal = _p(persona)
        self.user = persona.user


def test_the_start_page_lists_my_systems_gaps(make_system, personas):
    chef = personas["employee_vaf"]
    make_system(name="Utan förvaltare", responsible_manager=chef.person)
    make_system(name="Upphandlas", responsible_manager=chef.person, status="procurement", system_steward=chef.person)
    lines = attention(_Request(chef)).get("responsible", [])
    texts = [line.text for line in lines]
    assert "1 av dina system saknar systemförvaltare." in texts
    assert "2 av dina system har ingen fastställd klassning." in texts
    assert any("IT-enheten rådfrågats" in t and t.startswith("2 ") for t in texts)
    links = {line.url for line in lines}
    assert reverse("systems:system_list") + "?ansvar=mina&saknar=forvaltare" in links
    html = chef.client().get(reverse("systems:system_list"), {"ansvar": "mina", "saknar": "forvaltare"}).content
    assert "Utan förvaltare" in html.decode() and "Upphandlas" not in html.decode()


def test_nothing_on_the_start_page_for_someone_without_systems(personas):
    assert not attention(_Request(personas["hr"])).get("responsible")


@time_machine.travel(TODAY)
def test_only_it_enheten_states_that_it_was_consulted(make_system, personas):
    """POL-3.27: the förvaltning cannot record that IT-enheten agreed; IT-enheten does."""
    system = make_system()
    url = reverse("systems:it_consultation", args=[system.pk])
    for key in ("coordinator_vaf", "employee_vaf", "unit_head_buf"):
        assert personas[key].client().post(url, {"it_consulted_on": "2026-10-01"}).status_code in (403, 404), key
    with pytest.raises(PermissionDenied):
        services.system_record_it_consultation(
            actor=personas["coordinator_vaf"].user, system=system, consulted_on=datetime.date(2026, 10, 1)
        )
    # The förvaltning's own edits leave the date alone; the form does not offer it.
    services.system_update(
        actor=personas["coordinator_vaf"].user, system=system, it_consulted_on=datetime.date(2026, 10, 1)
    )
    system.refresh_from_db()
    assert system.it_consulted_on is None
    edit = personas["coordinator_vaf"].client().get(reverse("systems:system_edit", args=[system.pk]))
    assert "it_consulted_on" not in edit.context["form"].fields
    page = personas["coordinator_vaf"].client().get(reverse("systems:system_detail", args=[system.pk])).content
    assert url not in page.decode()
    # IT-enheten does, from the system page.
    page = personas["it_manager"].client().get(reverse("systems:system_detail", args=[system.pk])).content
    assert url in page.decode()
    assert personas["it_manager"].client().post(url, {"it_consulted_on": "2026-10-01"}).status_code == 302
    system.refresh_from_db()
    assert system.it_consulted_on == datetime.date(2026, 10, 1)
    entry = ChangeLogEntry.objects.filter(object_type="systems.informationsystem", object_id=str(system.pk)).latest(
        "sequence"
    )
    assert entry.user == personas["it_manager"].user and "it_consulted_on" in entry.changes
