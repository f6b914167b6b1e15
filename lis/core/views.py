"""The shell: start page, login/logout, one's own password, whole-kommun change log. The
published policy is lis.plans'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from . import extensions, mfa, services, sso
from .forms import ChangeLogFilterForm, LoginForm, PasswordChangeForm, call_service
from .models import ChangeLogEntry, Notification
from .pack import get_pack
from .selectors import SYSTEM_ACTOR, ChangeLogFilters, changelog_filter_choices, changelog_visible_to
from .viewhelpers import form_page

# Every employee's own places in LIS, on the start page: the policy, how to handle information,
# driftinformation, their training and their exceptions.
EMPLOYEE_LINKS = (
    ("policy:current", gettext_lazy("Policyn")),
    ("handling:advice", gettext_lazy("Så hanterar du information")),
    ("operations:overview", gettext_lazy("Driftinformation")),
    ("training:mine", gettext_lazy("Min utbildning")),
    ("staff:overview", gettext_lazy("Mina undantag")),
)


def home(request: HttpRequest) -> HttpResponse:
    p = request.principal
    # Higher apps put what every employee must find first here (lis.core.extensions, "home"),
    # and each person's work list ("attention").
    return render(
        request,
        "core/home.html",
        {
            "my_roles": p.assignments,
            "principal": p,
            "panels": extensions.panels("home", request, None),
            "attention": extensions.attention(request),
            "employee_links": [(reverse(name), label) for name, label in EMPLOYEE_LINKS],
        },
    )


@login_not_required
@require_safe
def risk_level_css(request: HttpRequest) -> HttpResponse:
    """The pack's risk-level colours as classes (risk-level-0, -1 …), so that pages show them
    without style="" attributes, which the Content-Security-Policy refuses."""
    return render(request, "core/risk_levels.css", {"levels": get_pack().risk_levels}, content_type="text/css")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        # The kommun's identity provider (lis.core.sso), when LIS_OIDC_ISSUER configures one.
        return super().get_context_data(**kwargs) | {"sso_providers": sso.login_buttons(self.request)}

    def form_valid(self, form):
        """The right password logs in, unless the login has two-step verification: then the
        second step (lis.core.mfa) must follow before anything else is reachable."""
        user = form.get_user()
        if mfa.is_enabled(user):
            mfa.begin_pending(self.request, user, self.get_success_url())
            return redirect("core:login_mfa")
        return super().form_valid(form)


login_view = login_not_required(LoginView.as_view())


def logout_view(request: HttpRequest) -> HttpResponse:
    response = auth_views.LogoutView.as_view()(request)
    if request.method == "POST":
        messages.info(request, _("Du är utloggad."))
    return response


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    """The user's own password; the only page besides logout for someone who must change an
    administrator's password (PasswordChangeRequiredMiddleware)."""
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        changed = call_service(
            form,
            lambda: services.user_password_change(
                actor=request.user,
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            ),
        )
        if changed is not None:
            update_session_auth_hash(request, changed)
            messages.success(request, _("Ditt lösenord är bytt."))
            return redirect("core:home")
    forced = request.user.must_change_password
    return form_page(
        request,
        form,
        title=_("Byt lösenord"),
        submit=_("Byt lösenord"),
        cancel=reverse("core:home"),
        intro=_("Lösenordet du har fått av en administratör är tillfälligt. Välj ett eget för att fortsätta.")
        if forced
        else "",
    )


def changelog(request: HttpRequest) -> HttpResponse:
    """The whole change log, for those who see everything (POL-2.3), filtered by person, kind
    of object, unit, kind of entry and dates. Invalid filters show their errors and no rows."""
    p = request.principal
    form = ChangeLogFilterForm(
        request.GET,
        **changelog_filter_choices(p),
        actions=ChangeLogEntry.Action.choices,
        system_actor=SYSTEM_ACTOR,
    )
    page, rows = None, []
    if form.is_valid():
        data = form.cleaned_data
        filters = ChangeLogFilters(
            actor=data["person"],
            object_type=data["typ"],
            action=data["handling"],
            unit=data["enhet"],
            date_from=data["fran"],
            date_to=data["till"],
        )
        page, rows = changelog_visible_to(p, filters=filters, page=request.GET.get("sida", 1))
    return render(request, "core/changelog.html", {"form": form, "page": page, "rows": rows})


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
