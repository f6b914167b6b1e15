"""The justerade minnesanteckningar of an E-rådsmöte as an archival PDF/A (POL-3.5), frozen at
justering: the diarienummer line stays empty, since the minutes are registered afterwards. The
E-råd is rådgivande (POL-3.6): the document lists "Råd", never decisions. Items under sekretess
are marked with their lagrum (the archival copy holds all of the minutes)."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from lis.core.pack import get_pack
from lis.core.typst_pdf import render_typst
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


def _labels() -> dict[str, str]:
    return {
        "page": _("Sida"),
        "of": _("av"),
        "advisory": _("E-rådet är rådgivande: det som står här är råd till förvaltningar, bolag och nämnder."),
        "attendance": _("Närvaro"),
        "attendance_caption": _("Närvaro vid mötet"),
        "name": _("Namn"),
        "seat": _("Plats i rådet"),
        "unit": _("Förvaltning/bolag"),
        "agenda": _("Dagordning och minnesanteckningar"),
        "minutes": _("Minnesanteckning"),
        "no_minutes": _("Ingen minnesanteckning."),
        "advice": _("Råd"),
        "to": _("Till"),
        "follow_up_by": _("Följs upp av"),
        "follow_up_on": _("Följs upp senast"),
        "empty_agenda": _("Dagordningen var tom."),
        "adjustment": _("Justering"),
    }


def minutes_data(content: dict[str, Any]) -> dict[str, Any]:
    """What the minutes' PDF prints. `content` is selectors.content(meeting): plain values (dates
    and times as text), names as anyone may read them."""
    kinds = dict(AgendaItem.Kind.choices)
    meeting = content.get("meeting") or {}
    attendance = content.get("attendance") or []
    chair = content.get("chair") or next(
        (row.get("person") for row in attendance if row.get("seat") == str(Role.COUNCIL_CHAIR.label)),
        "",
    )
    council = meeting.get("council") or "E-rådet"
    adjuster = meeting.get("adjuster") or "–"
    place = meeting.get("location") or "–"
    if meeting.get("link"):
        place += f" ({_('även på distans')})"
    items = []
    for item in content.get("items") or []:
        kind = str(kinds.get(item.get("kind"), ""))
        items.append(
            {
                "heading": f"{item.get('number')}. {item.get('title', '')}",
                "kind": ", ".join(part for part in (kind, item.get("unit") or "") if part),
                "secrecy": _("Sekretess enligt %(provision)s") % {"provision": item.get("secrecy_provision") or ""}
                if item.get("secret")
                else "",
                "description": readable(item.get("description", "")),
                "minutes": item.get("minutes") or "",
                "advice": [
                    [
                        advice.get("text", ""),
                        advice.get("to") or "–",
                        advice.get("follow_up_by") or "–",
                        advice.get("follow_up_on") or "",
                    ]
                    for advice in item.get("advice") or []
                ],
            }
        )
    return {
        "title": _("Minnesanteckningar %(council)s %(date)s") % {"council": council, "date": meeting.get("date", "")},
        "description": _("Justerade minnesanteckningar"),
        "heading": _("Minnesanteckningar, %(council)s") % {"council": council},
        "municipality": get_pack().municipality_name,
        "fields": [
            [_("Kommun"), get_pack().municipality_name],
            [_("Datum"), meeting.get("date", "")],
            [_("Tid"), f"{meeting.get('starts', '')}–{meeting.get('ends', '')}"],
            [_("Plats"), place],
            [_("Ordförande"), chair or "–"],
            [_("Justerare"), adjuster],
            [_("Diarienummer"), ""],  # registered after justering
        ],
        "attendance": [
            [row.get("person", ""), row.get("seat", ""), row.get("unit") or "–", row.get("presence_name", "")]
            for row in attendance
        ],
        "items": items,
        "adjusted": _("Justerade elektroniskt av ordföranden %(chair)s och justeraren %(adjuster)s.")
        % {"chair": chair or "–", "adjuster": adjuster},
        "labels": _labels(),
    }


def minutes_pdf(content: dict[str, Any]) -> bytes:
    """The minutes as they read at justering (selectors.content(meeting)), archival (PDF/A-3a,
    also tagged PDF/UA-1)."""
    return render_typst("council/minutes.typ", minutes_data(content), archival=True)
