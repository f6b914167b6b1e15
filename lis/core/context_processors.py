from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access
from .models import Notification
from .pack import get_pack

# (url name, label, who sees it, other path prefixes that belong to the item)
NAVIGATION = [
    ("core:home", _("Start"), None, ()),
    ("organisation:unit_list", _("Organisation"), "organisation", ()),
    ("organisation:person_list", _("Personer"), "organisation", ()),
    ("systems:system_list", _("Informationssystem"), None, ("/rapporter/forteckning",)),
    ("risks:analysis_list", _("Riskanalys"), None, ("/rapporter/analys/",)),
    ("plans:plan_list", _("Handlingsplaner"), None, ()),
    ("plans:continuity_list", _("Kontinuitet"), None, ()),
    ("plans:routine_list", _("Rutiner"), None, ()),
    ("council:overview", _("E-rådet"), None, ()),
    ("incidents:start", _("Incidenter"), None, ()),
    ("compliance:overview", _("Efterlevnad"), "compliance", ()),
    ("core:changelog", _("Historik"), "changelog", ()),
    ("policy:current", _("Policyn"), None, ()),
]


def lis(request):
    """The kommun's name and the navigation the user may follow."""
    pack = get_pack()
    items = []
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        p = request.principal
        for name, label, needs, prefixes in NAVIGATION:
            allowed = {
                "changelog": access.can_view_changelog,
                "compliance": access.can_view_compliance,
                "organisation": lambda p: p.sees_everything or p.viewed_unit_paths or p.board_ids or p.has_role("hr"),
            }
            if needs is not None and not allowed[needs](p):
                continue
            url = reverse(name)
            items.append({"url": url, "label": label, "current": False, "prefixes": (url, *prefixes)})
        # The current item is the one with the longest prefix of the path ("/" only for the start page).
        best = max(
            (
                (len(prefix), item)
                for item in items
                for prefix in item["prefixes"]
                if request.path == prefix or (prefix != "/" and request.path.startswith(prefix))
            ),
            key=lambda pair: pair[0],
            default=None,
        )
        if best is not None:
            best[1]["current"] = True
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {
        "municipality_name": pack.municipality_name,
        "navigation": items,
        "demo": settings.LIS_DEMO,
        "unread_notifications": unread,
    }
