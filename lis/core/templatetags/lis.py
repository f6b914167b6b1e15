from django import template
from django.http import QueryDict

from lis.core import access
from lis.core.access import person_label, principal_for, user_label
from lis.core.pack import get_pack

register = template.Library()


@register.simple_tag(takes_context=True)
def person_name(context, person) -> str:
    """A person's name as the current user may see it (POL-3.30). Autoescaped."""
    request = context.get("request")
    principal = getattr(request, "principal", None) or principal_for(getattr(request, "user", None))
    return person_label(principal, person)


@register.simple_tag(takes_context=True)
def withheld(context, person) -> bool:
    """Whether the current user may see no more of `person` than the pseudonym (POL-3.30):
    {% withheld person as hidden %}."""
    request = context.get("request")
    principal = getattr(request, "principal", None) or principal_for(getattr(request, "user", None))
    return access.identity_withheld(principal, person)


@register.simple_tag(takes_context=True)
def user_name(context, user) -> str:
    """A login's name as the current user may see it (POL-3.30). Autoescaped."""
    request = context.get("request")
    principal = getattr(request, "principal", None) or principal_for(getattr(request, "user", None))
    return user_label(principal, user)


@register.simple_tag(takes_context=True)
def can(context, permission: str, *args) -> bool:
    """Whether the current user may do `permission`, decided by the `can_<permission>` predicate in
    lis/core/access.py (or of the Principal), so that a page shows only links that work for the
    person who sees it: {% can "assign_role" a.role a.unit a.board as allowed %}."""
    request = context.get("request")
    principal = getattr(request, "principal", None) or principal_for(getattr(request, "user", None))
    predicate = getattr(access, f"can_{permission}", None)
    if predicate is not None:
        return predicate(principal, *args)
    return getattr(principal, f"can_{permission}")(*args)


@register.simple_tag(takes_context=True)
def query(context, **changes) -> str:
    """The current query string with `changes` applied (for pagination and tabs)."""
    params: QueryDict = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_query(context, key: str) -> str:
    """Query string sorting by `key`, or by `-key` when already sorted by `key`."""
    current = context["request"].GET.get("sortera", "")
    return query(context, sortera=f"-{key}" if current == key else key, sida=None)


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def contrast(colour: str) -> str:
    """Black or white text, whichever reads better on `colour` (#rrggbb, from the pack)."""
    red, green, blue = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


@register.filter
def level_class(level) -> str:
    """The class that gives a pack risk level its colours (the stylesheet core:risk_level_css),
    numbered in the pack's order because a level's key may be any text."""
    keys = [choice.key for choice in get_pack().risk_levels]
    return f"risk-level-{keys.index(level.key)}"


@register.filter
def choice_name(key, choices: str) -> str:
    """The name of a pack choice, e.g. {{ measure.kind|choice_name:"measure_types" }}."""
    return get_pack().choice_name(choices, key) if key not in (None, "") else "–"
