from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .pack import get_pack

NAVIGATION = [
    ("core:home", _("Start"), None),
    ("organisation:unit_list", _("Organisation"), "organisation"),
    ("organisation:person_list", _("Personer"), "organisation"),
    ("compliance:overview", _("Efterlevnad"), "compliance"),
    ("core:changelog", _("Historik"), "changelog"),
    ("core:policy", _("Policyn"), None),
]


def lis(request):
    """The kommun's name and the navigation the user may follow."""
    pack = get_pack()
    items = []
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
            url = reverse(name)
            current = request.path == url if url == "/" else request.path.startswith(url)
            items.append({"url": url, "label": label, "current": current})
    return {"municipality_name": pack.municipality_name, "navigation": items, "demo": settings.LIS_DEMO}
