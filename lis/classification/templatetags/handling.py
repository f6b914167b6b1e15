"""`{% handling_advice level_key %}`: what may and may not be done with information at a
classification level (POL-3.21), from the policy pack; any page that shows a level can show it."""

from __future__ import annotations

from django import template

from lis.classification.selectors import handling_level, highest_level_key

register = template.Library()


@register.inclusion_tag("classification/_handling_advice.html")
def handling_advice(level_key, *, compact: bool = False, heading: str = "", heading_level: int = 2) -> dict:
    """The advice for `level_key` (a pack level key). `compact`: a short box with a link to the
    full page. Nothing is shown for an unknown or unset level."""
    return {
        "level": handling_level(level_key),
        "compact": compact,
        "heading": heading,
        "heading_tag": f"h{min(max(int(heading_level), 2), 4)}",
    }


@register.filter
def highest_level(levels) -> str:
    """`{{ classification.levels|highest_level }}`: the key of the highest level per aspect."""
    return highest_level_key(levels)
