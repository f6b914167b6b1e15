"""How the analyses' change-log entries read and which unit they belong to (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lis.core.history import pack_name, pack_names, pack_scale, register

from .models import AnalysisVersion, Measure, Risk, SecurityAnalysis


def reported_content(value: dict) -> str:
    """A reported version's frozen content, summarised: the full text is in its PDF/A."""
    systems, risks, measures = (len(value.get(key, [])) for key in ("systems", "risks", "measures"))
    return ", ".join(
        (
            ngettext("%(count)d system", "%(count)d system", systems) % {"count": systems},
            ngettext("%(count)d risk", "%(count)d risker", risks) % {"count": risks},
            ngettext("%(count)d åtgärd", "%(count)d åtgärder", measures) % {"count": measures},
        )
    )


register(SecurityAnalysis, unit="unit")
register(
    AnalysisVersion,
    unit="analysis__unit",
    fields={"content": reported_content},
    labels={"analysis": _("analys"), "created_at": _("skapad")},
)
register(
    Risk,
    unit="analysis__unit",
    fields={
        "threat": pack_name("threats"),
        "aspects": pack_names("aspects"),
        "likelihood": pack_scale("likelihood"),
        "consequence": pack_scale("consequence"),
        "residual_likelihood": pack_scale("likelihood"),
        "residual_consequence": pack_scale("consequence"),
        "treatment": pack_name("treatments"),
    },
    labels={"analysis": _("analys")},
)
register(
    Measure,
    unit="analysis__unit",
    fields={
        "kind": pack_name("measure_types"),
        "aspects": pack_names("aspects"),
        "status": pack_name("measure_statuses"),
    },
    labels={"analysis": _("analys"), "created_by": _("skapad av")},
)
