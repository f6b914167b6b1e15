from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Notification
from .pack import get_pack

# The main menu: (label, items); an item is (url name, label, who sees it, other path
# prefixes that belong to it). A group with several items the user sees shows them as a
# second row (the sub-menu) on the group's pages; the group's own link is its first item.
NAVIGATION = [
    (_("Start"), [("core:home", _("Start"), None, ())]),
    (
        _("Organisation"),
        [
            ("organisation:unit_list", _("Organisation"), "organisation", ()),
            ("organisation:person_list", _("Personer"), "organisation", ()),
        ],
    ),
    (
        _("Informationssystem"),
        [
            ("systems:system_list", _("Informationssystem"), None, ("/rapporter/forteckning",)),
            ("systems:platform_list", _("Plattformar"), None, ()),
        ],
    ),
    (_("Riskanalys"), [("risks:analysis_list", _("Riskanalys"), None, ("/rapporter/analys/",))]),
    (
        _("Planer"),
        [
            ("plans:plan_list", _("Handlingsplaner"), None, ()),
            ("plans:continuity_list", _("Kontinuitet"), None, ()),
            ("plans:routine_list", _("Rutiner"), None, ()),
        ],
    ),
    (_("E-rådet"), [("council:overview", _("E-rådet"), None, ())]),
    (_("Incidenter"), [("incidents:start", _("Incidenter"), None, ())]),
    (_("Driftinformation"), [("operations:overview", _("Driftinformation"), None, ())]),
    (
        _("Medarbetare"),
        [
            ("training:overview", _("Utbildning"), None, ()),
            ("staff:overview", _("Undantag"), None, ()),
            ("staff:remote_work_list", _("Distansarbete"), None, ()),
            ("staff:classified_list", _("Säkerhetsklassade placeringar"), "classified", ()),
        ],
    ),
    (
        _("Uppföljning"),
        [
            ("compliance:overview", _("Efterlevnad"), "compliance", ()),
            ("core:changelog", _("Historik"), "changelog", ()),
        ],
    ),
    (
        _("Policyn"),
        [
            ("policy:current", _("Policyn"), None, ()),
            ("handling:advice", _("Hantera information"), None, ()),
        ],
    ),
]

ALLOWED = {
    "changelog": access.can_view_changelog,
    "compliance": access.can_view_compliance,
    "classified": access.can_see_classified_positions,
    "organisation": lambda p: p.sees_everything or p.viewed_unit_paths or p.board_ids or p.has_role("hr"),
}


def _matches(path: str, prefix: str) -> int:
    """The length of `prefix` when it is the path or a prefix of it ("/" only for the start page)."""
    return len(prefix) if path == prefix or (prefix != "/" and path.startswith(prefix)) else 0


def navigation(request) -> tuple[list[dict], list[dict]]:
    """The main menu's groups the user may see, and the current group's sub-menu (its items,
    when there are several)."""
    p = request.principal
    groups = []
    for label, entries in NAVIGATION:
        items = []
        for name, item_label, needs, prefixes in entries:
            if needs is not None and not ALLOWED[needs](p):
                continue
            url = reverse(name)
            items.append({"url": url, "label": item_label, "current": False, "prefixes": (url, *prefixes)})
        if items:
            # A group the user sees one page of is named after that page.
            shown = label if len(items) > 1 else items[0]["label"]
            groups.append({"url": items[0]["url"], "label": shown, "current": False, "items": items})
    # The current item is the one with the longest prefix of the path.
    best = max(
        (
            (_matches(request.path, prefix), group, item)
            for group in groups
            for item in group["items"]
            for prefix in item["prefixes"]
        ),
        key=lambda found: found[0],
        default=None,
    )
    submenu: list[dict] = []
    if best is not None and best[0]:
        best[1]["current"] = best[2]["current"] = True
        if len(best[1]["items"]) > 1:
            submenu = best[1]["items"]
    return groups, submenu


def lis(request):
    """The kommun's name and the navigation the user may follow."""
    pack = get_pack()
    items: list[dict] = []
    submenu: list[dict] = []
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        items, submenu = navigation(request)
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {
        "municipality_name": pack.municipality_name,
        "navigation": items,
        "submenu": submenu,
        "demo": settings.LIS_DEMO,
        "unread_notifications": unread,
    }
