"""The handlingsplan as PDF: the archival PDF/A frozen with the decision (BIL1-5), and the
proposal a nämnd decides on (beslutsunderlag), marked "Förslag" on every page and without
decision fields; and the continuity plan printed for an outage. Typeset with Typst
(lis.core.typst_pdf) from the plain values built here, every word already translated."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from lis.core import access
from lis.core.access import Principal
from lis.core.pack import get_pack
from lis.core.typst_pdf import render_typst
from lis.organisation.models import Decision

from .models import ActionPlan, ContinuityPlan


def _date(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


def _plan_labels() -> dict[str, str]:
    return {
        "page": _("Sida"),
        "of": _("av"),
        "proposal": _("Förslag"),
        "municipality": _("Kommun"),
        "period": _("Mandatperiod"),
        "version": _("Version"),
        "status": _("Status"),
        "decided_by_board": _("Beslutas av"),
        "printed": _("Utskriven"),
        "decided_by": _("Beslutad av"),
        "meeting_date": _("Sammanträdesdatum"),
        "paragraph": _("Paragraf"),
        "diary_number": _("Diarienummer"),
        "measure": _("Åtgärd"),
        "kind": _("Typ"),
        "responsible": _("Åtgärdsansvarig"),
        "due_on": _("Klart senast"),
        "timeline": _("Åtgärderna per kvartal"),
        "quarter": _("Kvartal"),
        "due_measures": _("Åtgärder som ska vara klara"),
        "undated": _("Utan datum"),
    }


def plan_data(plan: ActionPlan, content: dict[str, Any], decision: Decision | None) -> dict[str, Any]:
    """What the plan's PDF prints: `content` (services.plan_content, as frozen) under
    `decision`, or as a proposal if there is none."""
    draft = decision is None
    unit, period, version = content.get("unit", ""), content.get("period", ""), content.get("version", "")
    board = plan.unit.governing_board
    return {
        "title": _("Handlingsplan %(unit)s %(period)s") % {"unit": unit, "period": period},
        "description": (_("Förslag, version %(n)s") if draft else _("Beslutad version %(n)s")) % {"n": version},
        "heading": _("Handlingsplan för %(unit)s") % {"unit": unit},
        "municipality": get_pack().municipality_name,
        "period": period,
        "version": str(version),
        "draft": draft,
        "status": f"{_('Förslag till beslut')} ({plan.get_status_display().lower()})",
        "board": board.name if board else "–",
        "printed": _date(access.today()),
        "decision": None
        if draft
        else {
            "board": decision.board.name,
            "meeting_date": _date(decision.meeting_date),
            "paragraph": f"§ {decision.paragraph}",
            "diary_number": decision.diary_number,
        },
        "sections": [
            {
                "name": section.get("name", ""),
                "text": section.get("text", ""),
                "measures_caption": _("Åtgärder: %(name)s") % {"name": section.get("name", "")},
                "measures": [
                    [
                        m.get("title", ""),
                        m.get("kind_name", ""),
                        m.get("responsible") or "–",
                        m.get("due_on") or "–",
                        m.get("status_name", ""),
                    ]
                    for m in section.get("measures") or []
                ],
                "timeline": [
                    [str(q["quarter"]), "; ".join(q["measures"]) or "–"] for q in section.get("timeline") or []
                ],
                "undated": "; ".join(section.get("undated") or []),
            }
            for section in content.get("sections", [])
        ],
        "labels": _plan_labels(),
    }


def plan_pdf(plan: ActionPlan, content: dict[str, Any], decision: Decision) -> bytes:
    """The decided version, archival (PDF/A-3a, also tagged PDF/UA-1)."""
    return render_typst("plans/plan.typ", plan_data(plan, content, decision), archival=True)


def plan_draft_pdf(plan: ActionPlan, content: dict[str, Any]) -> bytes:
    """The plan as it is now, as a proposal to the nämnd (tagged PDF/UA-1)."""
    return render_typst("plans/plan.typ", plan_data(plan, content, None), archival=False)


def continuity_data(p: Principal, plan: ContinuityPlan, sections: list[dict[str, Any]]) -> dict[str, Any]:
    """What the continuity plan's printout shows to `p`: `sections` as the plan's page has them
    (steps, and contacts as (contact, name, phone) with names as `p` may see them)."""
    municipality = get_pack().municipality_name
    printed = _date(access.today())
    place = [municipality, plan.owner_unit.name, *([plan.system.name] if plan.system else [])]
    entries = []
    for number, section in enumerate(sections, start=1):
        entry: dict[str, Any] = {"heading": f"{number}. {section['name']}", "text": section.get("text", "")}
        if section.get("steps") is not None:
            entry["steps"] = [
                [str(step.order), step.text, access.person_label(p, step.responsible)] for step in section["steps"]
            ]
        elif section.get("contacts") is not None:
            entry["contacts"] = [[contact.role, name, phone or "–"] for contact, name, phone in section["contacts"]]
        entries.append(entry)
    return {
        "title": plan.title,
        "municipality": municipality,
        "footer": f"{plan.title} · {_('Utskriven')} {printed}",
        "place": " · ".join(place),
        "dates": " · ".join(
            (
                f"{_('Senast granskad')}: {_date(plan.reviewed_on) or '–'}",
                f"{_('Nästa granskning')}: {_date(plan.review_due)}",
                f"{_('Utskriven')}: {printed}",
            )
        ),
        "keep": _("Förvara ett utskrivet exemplar så att planen kan användas när IT-systemen inte fungerar."),
        "sections": entries,
        "labels": {
            "page": _("Sida"),
            "of": _("av"),
            "number": _("Nr"),
            "step": _("Åtgärd"),
            "responsible": _("Ansvarig"),
            "role": _("Roll i planen"),
            "name": _("Namn"),
            "phone": _("Telefon"),
            "empty": _("Avsnittet är tomt."),
        },
    }


def continuity_pdf(p: Principal, plan: ContinuityPlan, sections: list[dict[str, Any]]) -> bytes:
    """The continuity plan printed for an outage (tagged PDF/UA-1), as `p` may see it."""
    return render_typst("plans/continuity.typ", continuity_data(p, plan, sections), archival=False)
