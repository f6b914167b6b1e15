from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Notification
from .pack import get_pack

NAVIGATION = [
    ("core:home", _("Start"), None),
    ("organisation:unit_list", _("Organisation"), "organisation"),
    ("organisation:person_list", _("Personer"), "organisation"),
    ("systems:system_list", _("Informationssystem"), None),
    ("compliance:overview", _("Efterlevnad"), "compliance"),
    ("core:changelog", _("Historik"), "changelog"),
    ("core:policy", _("Policyn"), None),
]


def lis(request):
    """The kommun's name and the navigation the user may follow."""
    pack = get_pack()
    items = []
    unread = 0
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        p = request.principal
        for name, label, needs in NAVIGATION:
            if needs == "changelog" and not p.sees_everything:
                continue
            if needs in ("organisation", "compliance") and not (
                p.sees_everything or p.viewed_unit_paths or p.board_ids or p.has_role("hr")
            ):
                continue
            items.append({"url": reverse(name), "label": label, "current": False})
        # The current item is the longest URL the path starts with ("/" only for the start page).
        matches = [
            i for i in items if request.path == i["url"] or (i["url"] != "/" and request.path.startswith(i["url"]))
        ]
        if matches:
            max(matches, key=lambda i: len(i["url"]))["current"] = True
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
    return {
        "municipality_name": pack.municipality_name,
        "navigation": items,
        "demo": settings.LIS_DEMO,
        "unread_notifications": unread,
    }
