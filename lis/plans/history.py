"""How plans, decisions, continuity plans and routines read in the change log, and which unit
they belong to (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lis.core.history import pack_keyed, pack_name, plain, register
from lis.core.pack import get_pack

from .models import (
    ActionPlan,
    ActionPlanVersion,
    ContinuityContact,
    ContinuityPlan,
    ContinuityStep,
    FollowUp,
    PolicyVersion,
    Routine,
)


def version_content(value: dict) -> str:
    """A decided version's frozen sections, one line each."""
    sections = value.get("sections", [])
    return "\n".join(f"{section.get('name', '')}: {plain(section.get('text'))}" for section in sections)


def measure_statuses(value: list) -> str:
    """A follow-up's record of each measure's status at the time, one line each."""
    lines = []
    for measure in value:
        line = f"{measure.get('title', '')}: {get_pack().choice_name('measure_statuses', measure.get('status'))}"
        lines.append(f"{line} ({gettext('försenad')})" if measure.get("overdue") else line)
    return "\n".join(lines)


register(ActionPlan, unit="unit", fields={"sections": pack_keyed("action_plan_sections")})
register(
    ActionPlanVersion,
    unit="plan__unit",
    fields={"content": version_content},
    labels={"plan": _("handlingsplan"), "created_at": _("skapad")},
)
register(FollowUp, unit="plan__unit", fields={"measures": measure_statuses}, labels={"plan": _("handlingsplan")})
register(ContinuityPlan, unit="owner_unit", fields={"sections": pack_keyed("continuity_sections")})
register(
    ContinuityStep,
    unit="plan__owner_unit",
    fields={"section": pack_name("continuity_sections")},
    labels={"plan": _("kontinuitetsplan")},
)
register(ContinuityContact, unit="plan__owner_unit", labels={"plan": _("kontinuitetsplan")})
register(Routine, unit="owner_unit", fields={"key": pack_name("required_routines")})


def text_length(text: str | None) -> str:
    """A policy text is long: the log shows its length, the version page the text."""
    count = len(text or "")
    return ngettext("%(count)d tecken", "%(count)d tecken", count) % {"count": count}


register(PolicyVersion, fields={"text": text_length})
