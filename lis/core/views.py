"""The shell: start page, published policy, login/logout, whole-kommun change log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import ChangeLogEntry
from .pack import get_pack
from .policytext import parse_policy_text
from .selectors import changelog_visible_to


def home(request: HttpRequest) -> HttpResponse:
    from lis.organisation.selectors import role_assignments_visible_to

    p = request.principal
    my_roles = []
    if p.person is not None:
        my_roles = [a for a in role_assignments_visible_to(p) if a.person_id == p.person.pk]
    return render(request, "core/home.html", {"my_roles": my_roles, "principal": p})


@login_not_required
def policy(request: HttpRequest) -> HttpResponse:
    """POL-2.4: the current policy, reachable from every page, even before logging in."""
    pack = get_pack()
    blocks = parse_policy_text(pack.policy_file.read_text(encoding="utf-8"))
    return render(request, "core/policy.html", {"blocks": blocks, "pack": pack})


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


login_view = login_not_required(LoginView.as_view())


def logout_view(request: HttpRequest) -> HttpResponse:
    response = auth_views.LogoutView.as_view()(request)
    if request.method == "POST":
        messages.info(request, _("Du är utloggad."))
    return response


def changelog(request: HttpRequest) -> HttpResponse:
    """The whole change log, for those who see everything (POL-2.3)."""
    page, rows = changelog_visible_to(
        request.principal,
        page=request.GET.get("sida", 1),
        object_type=request.GET.get("typ", "")[:100],
        action=request.GET.get("handling", "")[:10],
    )
    return render(
        request,
        "core/changelog.html",
        {
            "page": page,
            "rows": rows,
            "actions": ChangeLogEntry.Action.choices,
        },
    )


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "403.html", {"reason": str(exception) if exception else ""}, status=403)
