from django import template
from django.http import QueryDict

from lis.core.access import person_label, principal_for, user_label

register = template.Library()


@register.simple_tag(takes_context=True)
def person_name(context, person) -> str:
    """A person's name as the current user may see it (POL-3.30). Autoescaped."""
    request = context.get("request")
    principal = getattr(request, "principal", None) or principal_for(getattr(request, "user", None))
    return person_label(principal, person)


@register.simple_tag(takes_context=True)
def user_name(context, user) -> str:
    """A login's name as the current user may see it (POL-3.30). Autoescaped."""
    request = context.get("request")
    principal = getattr(request, "principal", None) or principal_for(getattr(request, "user", None))
    return user_label(principal, user)


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
