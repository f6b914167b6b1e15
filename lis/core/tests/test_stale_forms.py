"""Issue 10, item 15: a form opened before someone else saved the same object does not silently
revert their change. Every edit page carries the version it was opened on; a stale save writes
nothing and shows what changed, with the user's input kept for a deliberate second save."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lis.conftest import PERSONA_SPECS, make_persona
from lis.core.changelog import snapshot
from lis.core.forms import VERSION_FIELD
from lis.core.models import ChangeLogEntry

TODAY = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


class FormParser(HTMLParser):
    """What a browser posts from the page's main form (class "form"): its inputs, checked boxes,
    chosen options and text areas, as they were rendered."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag == "form" and "form" in (a.get("class") or "").split() and (a.get("method") or "") == "post":
            self._in_form = True
        if not self._in_form or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
            elif kind not in ("submit", "button", "file"):
                self._add(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in a), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value") or "", "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._in_form:
            self._in_form = False
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not multiple and not chosen and self._options:
                chosen = [self._options[0][0]]
            for value in chosen:
                self._add(name, value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None


def posted(page: str, **changes: str) -> dict[str, list[str]]:
    parser = FormParser()
    parser.feed(page)
    return parser.data | {name: [value] for name, value in changes.items()}


# Every edit page (URL name), the object it edits in the demo data, a text field to change, and
# who edits it when not the säkerhetsstrateg (distansarbete is the chef's and HR's, POL-3.19).
EDIT_PAGES = {
    "systems:system_edit": ("systems.informationsystem", {}, "description"),
    "systems:information_set_edit": ("systems.informationset", {"security_protected": False}, "name"),
    "systems:agreement_edit": ("systems.agreement", {}, "reference"),
    "systems:user_group_edit": ("systems.usergroup", {}, "description"),
    "systems:party_edit": ("systems.party", {}, "name"),
    "systems:platform_edit": ("systems.platform", {}, "note"),
    "training:course_edit": ("training.course", {}, "description"),
    "training:completion_edit": ("training.completion", {"source": "manual"}, "source_reference"),
    "classification:classification_edit": ("classification.classification", {"status": "proposed"}, "motivation"),
    "organisation:unit_edit": ("organisation.orgunit", {"kind": "unit", "ended_on": None}, "name"),
    "organisation:board_edit": ("organisation.board", {"ended_on": None}, "name"),
    "organisation:person_edit": ("organisation.person", {"protected_identity": False, "user": None}, "title"),
    "organisation:role_edit": (
        "organisation.roleassignment",
        {"ends_on": None, "role": "security_coordinator"},
        "note",
    ),
    "risks:analysis_edit": ("risks.securityanalysis", {"status": "ongoing"}, "secrecy_marking"),
    "risks:risk_edit": ("risks.risk", {}, "event"),
    "risks:measure_edit": ("risks.measure", {}, "title"),
    "plans:plan_edit": ("plans.actionplan", {"status": "draft"}, None),
    "plans:continuity_edit": ("plans.continuityplan", {}, None),
    "plans:continuity_step_edit": ("plans.continuitystep", {}, "text"),
    "plans:continuity_contact_edit": ("plans.continuitycontact", {}, "role"),
    "plans:routine_edit": ("plans.routine", {}, "version"),
    "council:meeting_edit": ("council.meeting", {"minutes__isnull": True}, "location"),
    "council:agenda_item_edit": (
        "council.agendaitem",
        {"meeting__minutes__isnull": True, "meeting__chair_signed_at__isnull": True},
        "title",
    ),
    "staff:remote_work_edit": ("staff.remoteworkagreement", {"ends_on__isnull": True}, "note", "hr"),
    "staff:classified_edit": ("staff.classifiedposition", {"ended_on__isnull": True}, "note"),
    "operations:notice_edit": ("operations.servicenotice", {"status": "planned", "kind": "maintenance"}, "title"),
}


def url_kwargs(url_name: str, obj) -> dict[str, int]:
    """The edit page's address for `obj`: its own id, and the id of what it belongs to."""
    match url_name:
        case "systems:information_set_edit":
            return {"pk": obj.system_id, "set_pk": obj.pk}
        case "systems:agreement_edit":
            return {"pk": obj.system_id, "agreement_pk": obj.pk}
        case "systems:user_group_edit":
            return {"pk": obj.system_id, "group_pk": obj.pk}
        case "classification:classification_edit":
            return {"set_pk": obj.information_set_id}
        case "risks:risk_edit":
            return {"risk_pk": obj.pk}
        case "risks:measure_edit":
            return {"measure_pk": obj.pk}
        case "plans:continuity_step_edit":
            return {"pk": obj.plan_id, "step_pk": obj.pk}
        case "plans:continuity_contact_edit":
            return {"pk": obj.plan_id, "contact_pk": obj.pk}
        case "council:agenda_item_edit":
            return {"pk": obj.meeting_id, "item_pk": obj.pk}
    return {"pk": obj.pk}


def edit_url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every page of the URL conf that edits an existing object (named *_edit, with its id)."""
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= edit_url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and (pattern.name or "").endswith("_edit"):
            names.add(f"{namespace}{pattern.name}")
    return names


def test_it_lists_every_edit_page_of_the_url_conf():
    assert edit_url_names() == set(EDIT_PAGES)


@pytest.fixture
def demo_data(db, amal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(TODAY, tick=False):
        call_command("load_demo", stdout=StringIO())
        yield


def first_text_field(page: str) -> str:
    """A plan's sections are fields named after the pack's keys: the first text area."""
    return re.search(r'<textarea name="([^"]+)"', page).group(1)


@pytest.mark.parametrize("url_name", sorted(EDIT_PAGES))
def test_it_refuses_a_stale_save_on_every_edit_page_and_keeps_the_other_change(demo_data, amal, url_name):
    model_label, conditions, field, *editor = EDIT_PAGES[url_name]
    model = apps.get_model(model_label)
    obj = model._default_manager.filter(**conditions).order_by("pk").first()
    assert obj is not None, f"demodatan saknar {model_label}"
    url = reverse(url_name, kwargs=url_kwargs(url_name, obj))
    spec = PERSONA_SPECS[editor[0] if editor else "strategist"]
    first = make_persona(amal, "forsta", **spec).client()
    second = make_persona(amal, "andra", **spec).client()

    opened = first.get(url)
    assert opened.status_code == 200
    page = opened.content.decode()
    assert f'name="{VERSION_FIELD}"' in page
    field = field or first_text_field(page)

    saved = second.post(url, posted(second.get(url).content.decode(), **{field: "Andras ändring"}))
    assert saved.status_code == 302
    entries = ChangeLogEntry.objects.count()

    refused = first.post(url, posted(page, **{field: "Förstas ändring"}))
    assert refused.status_code == 200
    shown = refused.content.decode()
    assert "sedan du öppnade formuläret" in shown and "Andras ändring" in shown and "Förstas ändring" in shown
    assert ChangeLogEntry.objects.count() == entries
    assert "Förstas ändring" not in str(snapshot(model._default_manager.get(pk=obj.pk)))

    again = first.post(url, posted(shown))
    assert again.status_code == 302
    assert "Förstas ändring" in str(snapshot(model._default_manager.get(pk=obj.pk)))
