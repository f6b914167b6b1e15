"""The access matrix (POL-2.3): every persona × every page × own/other unit.

Each row names a page and, per persona, the status the persona must get. A persona that is
not listed must get the row's default (404 for objects it may not know of, 403 for actions
it may not take). Any leak fails the test that names the persona and the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lis.core.models import ChangeLogEntry
from lis.organisation import services
from lis.organisation.models import Person

ALL = [
    "strategist",
    "administrator",
    "it_manager",
    "hr",
    "unit_head_buf",
    "coordinator_vaf",
    "representative_tff",
    "board_member_bun",
    "employee_vaf",
]
EVERYONE = dict.fromkeys(ALL, 200)
GLOBAL_READERS = {"strategist": 200, "administrator": 200, "it_manager": 200}


@pytest.fixture
def world(personas, amal):
    buf_teacher = services.person_create(
        actor=None, first_name="Lärare", last_name="Buf", unit=amal["units"]["BUF"], kind="employee"
    )
    vaf_worker = services.person_create(
        actor=None, first_name="Handläggare", last_name="Vaf", unit=amal["units"]["VAF"], kind="employee"
    )
    return {
        "units": amal["units"],
        "boards": amal["boards"],
        "buf_teacher": buf_teacher,
        "vaf_worker": vaf_worker,
        "personas": personas,
    }


def url(world, name: str) -> str:
    u, b = world["units"], world["boards"]
    return {
        "home": reverse("core:home"),
        "policy": reverse("policy:current"),
        "unit_list": reverse("organisation:unit_list"),
        "unit_buf": reverse("organisation:unit_detail", args=[u["BUF"].pk]),
        "unit_buf_people": reverse("organisation:unit_detail", args=[u["BUF"].pk]) + "?flik=personer",
        "unit_buf_history": reverse("organisation:unit_detail", args=[u["BUF"].pk]) + "?flik=historik",
        "unit_vaf": reverse("organisation:unit_detail", args=[u["VAF"].pk]),
        "unit_buf_edit": reverse("organisation:unit_edit", args=[u["BUF"].pk]),
        "unit_buf_end": reverse("organisation:unit_end", args=[u["BUF"].pk]),
        "unit_create": reverse("organisation:unit_create"),
        "board_bun": reverse("organisation:board_detail", args=[b["BUN"].pk]),
        "board_bun_edit": reverse("organisation:board_edit", args=[b["BUN"].pk]),
        "board_create": reverse("organisation:board_create"),
        "board_list": reverse("organisation:board_list"),
        "person_list": reverse("organisation:person_list"),
        "person_buf": reverse("organisation:person_detail", args=[world["buf_teacher"].pk]),
        "person_buf_history": reverse("organisation:person_detail", args=[world["buf_teacher"].pk]) + "?flik=historik",
        "person_buf_edit": reverse("organisation:person_edit", args=[world["buf_teacher"].pk]),
        "person_vaf": reverse("organisation:person_detail", args=[world["vaf_worker"].pk]),
        "person_vaf_edit": reverse("organisation:person_edit", args=[world["vaf_worker"].pk]),
        "person_create": reverse("organisation:person_create"),
        "role_list": reverse("organisation:role_list"),
        "role_assign": reverse("organisation:role_assign"),
        "mandate_periods": reverse("organisation:mandate_period_list"),
        "compliance": reverse("compliance:overview"),
        "changelog": reverse("core:changelog"),
        "my_reminders": reverse("compliance:reminders"),
        "my_mfa": reverse("core:mfa"),
        "mfa_reset_buf": reverse("organisation:person_mfa_reset", args=[world["buf_teacher"].pk]),
    }[name]


# page -> (default status for unlisted personas, {persona: status})
MATRIX: dict[str, tuple[int, dict[str, int]]] = {
    "home": (200, EVERYONE),
    "policy": (200, EVERYONE),
    "unit_list": (200, EVERYONE),
    "person_list": (200, EVERYONE),
    "role_list": (200, EVERYONE),
    "mandate_periods": (200, EVERYONE),
    "board_list": (200, EVERYONE),
    # Other unit (BUF): its head and its nämnd's member see it; a samordnare elsewhere does not.
    "unit_buf": (404, {**GLOBAL_READERS, "unit_head_buf": 200, "board_member_bun": 200}),
    "unit_buf_people": (404, {**GLOBAL_READERS, "unit_head_buf": 200, "board_member_bun": 200}),
    "unit_buf_history": (404, {**GLOBAL_READERS, "unit_head_buf": 200, "board_member_bun": 200}),
    # Own unit (VAF) for the samordnare.
    "unit_vaf": (404, {**GLOBAL_READERS, "coordinator_vaf": 200}),
    "unit_buf_edit": (
        404,
        {"strategist": 200, "administrator": 200, "it_manager": 403, "unit_head_buf": 200, "board_member_bun": 403},
    ),
    "unit_buf_end": (
        404,
        {"strategist": 200, "administrator": 200, "it_manager": 403, "unit_head_buf": 403, "board_member_bun": 403},
    ),
    "unit_create": (403, {"strategist": 200, "administrator": 200, "unit_head_buf": 200, "coordinator_vaf": 200}),
    "board_bun": (404, {**GLOBAL_READERS, "unit_head_buf": 200, "board_member_bun": 200}),
    "board_bun_edit": (
        404,
        {"strategist": 200, "administrator": 200, "it_manager": 403, "unit_head_buf": 403, "board_member_bun": 403},
    ),
    "board_create": (403, {"strategist": 200, "administrator": 200}),
    # People: nämnd members read the register of their förvaltning, not its staff.
    "person_buf": (404, {**GLOBAL_READERS, "hr": 200, "unit_head_buf": 200}),
    "person_buf_history": (404, {**GLOBAL_READERS, "hr": 200, "unit_head_buf": 200}),
    "person_buf_edit": (
        404,
        {"strategist": 200, "administrator": 200, "it_manager": 403, "hr": 200, "unit_head_buf": 200},
    ),
    "person_vaf": (404, {**GLOBAL_READERS, "hr": 200, "coordinator_vaf": 200}),
    "person_vaf_edit": (
        404,
        {"strategist": 200, "administrator": 200, "it_manager": 403, "hr": 200, "coordinator_vaf": 200},
    ),
    "person_create": (
        403,
        {"strategist": 200, "administrator": 200, "hr": 200, "unit_head_buf": 200, "coordinator_vaf": 200},
    ),
    # POL-3.4: the förvaltningschef/VD appoints; a samordnare appoints nobody.
    "role_assign": (403, {"strategist": 200, "administrator": 200, "unit_head_buf": 200}),
    "compliance": (
        403,
        {
            **GLOBAL_READERS,
            "unit_head_buf": 200,
            "coordinator_vaf": 200,
            "representative_tff": 200,
            "board_member_bun": 200,
        },
    ),
    "changelog": (403, GLOBAL_READERS),
    # One's own reminders and two-step verification: everyone, for themselves only.
    "my_reminders": (200, EVERYONE),
    "my_mfa": (200, EVERYONE),
    # A lost phone: only an administrator resets another login's second factors (and the teacher
    # has no login: nothing to reset, so 403 for them too).
    "mfa_reset_buf": (404, {**dict.fromkeys(GLOBAL_READERS, 403), "hr": 403, "unit_head_buf": 403}),
}

CASES = [(page, persona) for page in MATRIX for persona in ALL]


@pytest.mark.parametrize(("page", "persona"), CASES, ids=[f"{p}-{q}" for p, q in CASES])
def test_it_grants_exactly_what_the_matrix_says(world, page, persona):
    default, grants = MATRIX[page]
    expected = grants.get(persona, default)
    response = world["personas"][persona].client().get(url(world, page))
    assert response.status_code == expected, f"{persona} got {response.status_code} on {page}, expected {expected}"


def test_it_redirects_anonymous_visitors_to_login_except_for_the_policy(world, client):
    for page in MATRIX:
        response = client.get(url(world, page))
        if page == "policy":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and "/logga-in/" in response["Location"], page


def test_it_lists_only_visible_units_to_a_coordinator(world):
    content = world["personas"]["coordinator_vaf"].client().get(url(world, "unit_list")).content.decode()
    assert "Välfärds- och arbetsmarknadsförvaltningen" in content
    assert "Barn- och utbildningsförvaltningen" not in content


def test_it_shows_an_ordinary_employee_only_themselves_in_the_people_list(world):
    persona = world["personas"]["employee_vaf"]
    content = persona.client().get(url(world, "person_list")).content.decode()
    assert "Employee Vaf" in content
    assert "Handläggare" not in content and "Lärare" not in content


@pytest.mark.parametrize("persona", ["coordinator_vaf", "it_manager", "board_member_bun", "employee_vaf"])
def test_it_rejects_an_edit_of_a_person_in_another_unit_and_writes_nothing(world, persona):
    client = world["personas"][persona].client()
    before = ChangeLogEntry.objects.count()
    response = client.post(
        url(world, "person_buf_edit"),
        {"first_name": "Ändrad", "last_name": "Buf", "kind": "employee", "unit": world["units"]["BUF"].pk},
    )
    assert response.status_code in (403, 404)
    assert Person.objects.get(pk=world["buf_teacher"].pk).first_name == "Lärare"
    assert ChangeLogEntry.objects.count() == before


def test_it_rejects_a_unit_head_granting_a_role_outside_their_unit(world):
    client = world["personas"]["unit_head_buf"].client()
    before = ChangeLogEntry.objects.count()
    response = client.post(
        url(world, "role_assign"),
        {
            "person": world["buf_teacher"].pk,
            "role": "council_representative",
            "unit": world["units"]["VAF"].pk,
            "starts_on": "2026-01-01",
        },
    )
    assert response.status_code == 200  # the form answers: BUF is not a choice for them
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert ChangeLogEntry.objects.count() == before


def test_it_rejects_a_strategist_making_someone_administrator(world):
    persona = world["personas"]["strategist"]
    response = persona.client().post(
        url(world, "role_assign"),
        {
            "person": world["vaf_worker"].pk,
            "role": "administrator",
            "starts_on": "2026-01-01",
        },
    )
    assert response.status_code == 200
    assert not world["vaf_worker"].roles.filter(role="administrator").exists()
