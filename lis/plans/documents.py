"""The handlingsplan as PDF: the archival PDF/A frozen with the decision (BIL1-5), and the
proposal a nämnd decides on (beslutsunderlag), marked "Förslag" on every page and without
decision fields."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from lis.core import access
from lis.core.pack import get_pack
from lis.core.pdf import render_pdf
from lis.organisation.models import Decision

from .models import ActionPlan


def _render(plan: ActionPlan, content: dict[str, Any], decision: Decision | None) -> str:
    return render_to_string(
        "plans/plan_pdf.html",
        {
            "plan": plan,
            "content": content,
            "decision": decision,
            "draft": decision is None,
            "printed": access.today(),
            "municipality": get_pack().municipality_name,
        },
    )


def plan_pdf(plan: ActionPlan, content: dict[str, Any], decision: Decision) -> bytes:
    """The decided version, archival (PDF/A)."""
    return render_pdf(_render(plan, content, decision), archival=True)


def plan_draft_pdf(plan: ActionPlan, content: dict[str, Any]) -> bytes:
    """The plan as it is now, as a proposal to the nämnd (tagged PDF/UA)."""
    return render_pdf(_render(plan, content, None))
