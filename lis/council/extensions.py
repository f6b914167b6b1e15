"""What the council adds to lower apps' pages (lis.core.extensions): the SUA tab on the system
page (POL-3.26), shown when the pack marks the system's driftsform external or it has been
assessed."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.extensions import Panel, Tab, register_panel, register_tab

from . import selectors
from .models import SuaAssessment

SUA_STATUS = {
    "not_required": _("Behövs inte: driftsformen är inte extern"),
    "missing": _("Saknas"),
    "outdated": _("Inaktuell: driftsformen har ändrats sedan bedömningen"),
    "done": _("Gjord för nuvarande driftsform"),
}


def _visible(principal, system) -> bool:
    return (
        system.operating_model in selectors.external_operating_models()
        or SuaAssessment.objects.filter(system=system).exists()
    )


def _status(request, system) -> dict:
    status = selectors.sua_status(system)
    return {"status": status, "name": SUA_STATUS[status]}


def _sua(request, system) -> dict:
    p = request.principal
    status = selectors.sua_status(system)
    latest = selectors.sua_latest(system)
    return {
        "sua_status": status,
        "sua_status_name": SUA_STATUS[status],
        "sua_latest": latest,
        "sua_assessments": SuaAssessment.objects.filter(system=system)
        .select_related("decided_by", "agenda_item__meeting")
        .order_by("-decided_on", "-pk"),
        "sua_can_create": status in ("missing", "outdated") and selectors.can_create_sua(p, system),
        "sua_can_raise": latest is not None and latest.agenda_item_id is None and selectors.can_manage(p),
    }


register_tab(
    "systems.informationsystem", Tab("sua", _("SUA"), "council/_system_sua.html", _sua, order=70, visible=_visible)
)
register_panel(
    "systems.informationsystem", Panel("council/_system_sua_status.html", _status, order=20, visible=_visible)
)
