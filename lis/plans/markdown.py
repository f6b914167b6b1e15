"""Routines written in LIS: Markdown rendered to HTML and sanitised, so that nothing a user
writes can run in another user's browser."""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

TAGS = {"h1", "h2", "h3", "h4", "p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "hr"}
TAGS |= {"table", "thead", "tbody", "tr", "th", "td"}


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text, extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href", "title"}, "th": {"scope"}},
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308 – sanitised by nh3 with an allow-list just above
