"""The shell: start page, published policy, login/logout, whole-kommun change log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import ChangeLogEntry, Notification
from .pack import get_pack
from .policytext import parse_policy_text
from .selectors import changelog_visible_to


def home(request: HttpRequest) -> HttpResponse:
    p = request.principal
    return render(request, "core/home.html", {"my_roles": p.assignments, "principal": p})


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


def notifications(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first; opening the page marks them read."""
    from django.core.paginator import Paginator
    from django.utils import timezone

    queryset = Notification.objects.filter(recipient=request.user)
    page = Paginator(queryset, 50).get_page(request.GET.get("sida"))
    unread = [n.pk for n in page.object_list if n.read_at is None]
    response = render(request, "core/notifications.html", {"page": page, "unread": set(unread)})
    Notification.objects.filter(pk__in=unread).update(read_at=timezone.now())
    return response
