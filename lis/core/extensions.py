"""Extension points through which a higher app adds to a lower app's pages and loaders
(DESIGN.md, "Layers"): an app imports only from apps to its left in LAYERS, so where the system
page shows risks, a continuity plan or an SUA assessment, the app that owns them registers a
tab, a panel or related history here in its AppConfig.ready(), and the page asks.

- `register_tab(model, Tab(...))`: a tab on the object's page (`?flik=key`), its panel drawn
  from `template` with the context `context(request, obj)` returns.
- `register_panel(model, Panel(...))`: a fragment on the page's overview tab.
- `register_history(model, related)`: objects whose change-log entries belong on the object's
  Historik tab (`related(obj)` returns them).
- `register_loader("reference" | "demo", app_label, load)`: `manage.py load_reference` and
  `load_demo` run each app's loader in layer order; `load()` returns lines to print.
- `register_attention(key, items)`: lines of the start page's work list ("what needs my
  attention now"): `items(request)` returns Attention lines for the signed-in person, each
  linking to where it is done, in one of three groups (ATTENTION_GROUPS). A few queries each,
  never one per row.
- `register_standing_item(key, items)`: a standing item the E-råd's dagordning proposes, from an
  app that is the council's peer (incidents since the last meeting): `items(since)` gets the
  previous meeting's start (or None) and returns StandingItems.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import HttpRequest

# Lowest first. An app may import from the apps before it, never from those after it; apps on
# one line are peers and do not import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("organisation",),
    ("systems",),
    ("classification",),
    ("risks",),
    ("plans",),
    ("council", "incidents", "training", "staff", "operations"),
    ("compliance", "reports", "api"),
)


def layer_of(app_label: str) -> int:
    for index, apps in enumerate(LAYERS):
        if app_label in apps:
            return index
    raise LookupError(f"{app_label} is not in lis.core.extensions.LAYERS")


Visible = Callable[[Any, Any], bool]  # (principal, obj) -> bool
Context = Callable[[HttpRequest, Any], dict[str, Any]]


@dataclass(frozen=True)
class Tab:
    key: str  # the ?flik= value
    label: Any  # lazy translated
    template: str = ""  # the panel; empty for a page's own tabs drawn by its template
    context: Context | None = None
    order: int = 50
    visible: Visible | None = None


@dataclass(frozen=True)
class Panel:
    template: str
    context: Context | None = None
    order: int = 50
    visible: Visible | None = None


@dataclass
class StandingItem:
    """A point the E-råd's dagordning proposes, linking to the live objects it concerns."""

    key: str
    title: str
    description: str
    unit: Any = None  # an OrgUnit, or None for the whole kommun
    links: list[tuple[str, str]] = field(default_factory=list)
    count: int = 0


# The start page's groups, in the order shown: the person's own duties, what they answer for
# (their staff, systems and unit), and the whole kommun (for those who keep it on track).
ATTENTION_GROUPS = ("mine", "responsible", "kommun")


@dataclass
class Attention:
    """One line of a person's work list on the start page."""

    text: str  # translated, counts already in it
    url: str  # where it is done
    group: str = "mine"  # one of ATTENTION_GROUPS
    tone: str = "info"  # "info", "due" (soon) or "overdue"; always said in words too
    order: int = 50
    badge: str = ""  # the word said for the tone when the default (Försenat, Snart) does not fit


_TABS: dict[str, list[Tab]] = defaultdict(list)
_PANELS: dict[str, list[Panel]] = defaultdict(list)
_HISTORY: dict[str, list[Callable[[Any], Iterable[models.Model]]]] = defaultdict(list)
_LOADERS: dict[str, list[tuple[str, Callable[[], list[str]]]]] = defaultdict(list)
_STANDING: dict[str, Callable[[Any], list[StandingItem]]] = {}
_ATTENTION: dict[str, Callable[[HttpRequest], list[Attention]]] = {}


def _label(model: type[models.Model] | str) -> str:
    return model if isinstance(model, str) else model._meta.label_lower


def register_tab(model: type[models.Model] | str, tab: Tab) -> None:
    tabs = _TABS[_label(model)]
    if any(existing.key == tab.key for existing in tabs):
        raise ValueError(f"{_label(model)} already has a tab {tab.key!r}")
    tabs.append(tab)


def register_panel(model: type[models.Model] | str, panel: Panel) -> None:
    if panel not in _PANELS[_label(model)]:
        _PANELS[_label(model)].append(panel)


def register_history(model: type[models.Model] | str, related: Callable[[Any], Iterable[models.Model]]) -> None:
    if related not in _HISTORY[_label(model)]:
        _HISTORY[_label(model)].append(related)


def register_loader(kind: str, app_label: str, load: Callable[[], list[str]]) -> None:
    layer_of(app_label)  # an app outside LAYERS cannot be ordered
    if (app_label, load) not in _LOADERS[kind]:
        _LOADERS[kind].append((app_label, load))


def _shown(item: Tab | Panel, principal, obj) -> bool:
    return item.visible is None or item.visible(principal, obj)


def tabs(model: type[models.Model] | str, own: Iterable[Tab], principal, obj) -> list[Tab]:
    """The page's own tabs and the registered ones the user may see, by `order`."""
    found = [*own, *(tab for tab in _TABS[_label(model)] if _shown(tab, principal, obj))]
    return sorted(found, key=lambda tab: tab.order)


def tab_context(tab: Tab, request: HttpRequest, obj) -> dict[str, Any]:
    return tab.context(request, obj) if tab.context else {}


def panels(model: type[models.Model] | str, request: HttpRequest, obj) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of each registered panel the user may see, by `order`."""
    found = sorted(
        (panel for panel in _PANELS[_label(model)] if _shown(panel, request.principal, obj)),
        key=lambda panel: panel.order,
    )
    return [(panel.template, panel.context(request, obj) if panel.context else {}) for panel in found]


def history_related(model: type[models.Model] | str, obj) -> list[models.Model]:
    return [related for function in _HISTORY[_label(model)] for related in function(obj)]


def loaders(kind: str) -> list[Callable[[], list[str]]]:
    """Each app's loader of `kind`, lowest layer first (registration order within a layer)."""
    ordered = sorted(enumerate(_LOADERS[kind]), key=lambda item: (layer_of(item[1][0]), item[0]))
    return [load for _index, (_app, load) in ordered]


def register_standing_item(key: str, items: Callable[[Any], list[StandingItem]]) -> None:
    _STANDING[key] = items


def standing_items(since) -> list[StandingItem]:
    """The registered standing items, given the previous meeting's start (None: no meeting yet)."""
    return [item for items in _STANDING.values() for item in items(since)]


def register_attention(key: str, items: Callable[[HttpRequest], list[Attention]]) -> None:
    _ATTENTION[key] = items


def attention(request: HttpRequest) -> dict[str, list[Attention]]:
    """The signed-in person's work list, by group (only groups with lines), overdue first."""
    tones = {"overdue": 0, "due": 1, "info": 2}
    found: dict[str, list[Attention]] = {group: [] for group in ATTENTION_GROUPS}
    for items in _ATTENTION.values():
        for item in items(request):
            if item.group not in found:
                raise ValueError(f"unknown attention group {item.group!r}")
            found[item.group].append(item)
    return {
        group: sorted(lines, key=lambda line: (tones.get(line.tone, 3), line.order, line.text))
        for group, lines in found.items()
        if lines
    }
