"""The handlingsplan as an archival PDF/A, frozen with the decision (BIL1-5)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from lis.core.pack import get_pack
from lis.reports.pdf import render_pdf

from .models import ActionPlan, Decision


def plan_pdf(plan: ActionPlan, content: dict[str, Any], decision: Decision) -> bytes:
    html = render_to_string(
        "plans/plan_pdf.html",
        {"plan": plan, "content": content, "decision": decision, "municipality": get_pack().municipality_name},
    )
    return render_pdf(html, archival=True)
