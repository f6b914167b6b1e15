"""The justerade minnesanteckningar of an E-rådsmöte as an archival PDF/A (POL-3.5), frozen at
justering: the diarienummer line stays empty, since the minutes are registered afterwards. The
E-råd is rådgivande (POL-3.6): the document lists "Råd", never decisions. Items under sekretess
are marked with their lagrum (the archival copy holds all of the minutes)."""

from __future__ import annotations

import re
from typing import Any

from django.template.loader import render_to_string

from lis.core.pack import get_pack
from lis.core.pdf import render_pdf
from lis.organisation.models import Role

from .models import AgendaItem

_LINK_LINE = re.compile(r"^(?P<label>.+?): /\S*$")


def readable(text: str) -> str:
    """An item's description as people read it: a standing item's "label: /address" lines
    (links into LIS, which the page shows as links and which mean nothing on paper) keep their
    label only."""
    return "\n".join(
        match["label"] if (match := _LINK_LINE.match(line)) else line for line in (text or "").splitlines()
    )


def minutes_html(content: dict[str, Any]) -> str:
    """The minutes as HTML for the PDF. `content` is selectors.content(meeting): plain values
    (dates and times as text), names as anyone may read them."""
    kinds = dict(AgendaItem.Kind.choices)
    chair = content.get("chair") or next(
        (
            row.get("person")
            for row in content.get("attendance") or []
            if row.get("seat") == str(Role.COUNCIL_CHAIR.label)
        ),
        "",
    )
    items = [
        {**item, "kind_name": kinds.get(item.get("kind"), ""), "description": readable(item.get("description", ""))}
        for item in content.get("items") or []
    ]
    return render_to_string(
        "council/minutes_pdf.html",
        {
            "content": content,
            "meeting": content.get("meeting") or {},
            "items": items,
            "attendance": content.get("attendance") or [],
            "chair": chair,
            "municipality": get_pack().municipality_name,
        },
    )


def minutes_pdf(content: dict[str, Any]) -> bytes:
    """The minutes as they read at justering (selectors.content(meeting)), archival (PDF/A)."""
    return render_pdf(minutes_html(content), archival=True)
