"""Per-request context (the request id that groups change-log entries, the principal, the language)
the security headers LIS adds to every response, and the password change an administrator's
password requires."""

from __future__ import annotations

import re
import uuid

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.functional import SimpleLazyObject
from django_htmx.http import HttpResponseClientRedirect

from . import access
from .changelog import reset_request_id, set_request_id

CLIENT_REQUEST_ID_MAX = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9._:/+=-]")


def client_request_id(header: str | None) -> str:
    """The client's own X-Request-ID, reduced to harmless characters and 64 of them: kept beside
    LIS's request id so a proxy's trace can be followed, never trusted as LIS's id."""
    return _UNSAFE.sub("", header or "")[:CLIENT_REQUEST_ID_MAX]


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = str(uuid.uuid4())
        token = set_request_id(request_id, client_value=client_request_id(request.headers.get("X-Request-ID")))
        request.principal = SimpleLazyObject(lambda: access.principal_for(request.user))
        try:
            response = self.get_response(request)
        finally:
            reset_request_id(token)
        response["X-Request-ID"] = request_id
        return response


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response, and `Cache-Control: no-store` on every response to a
    signed-in user: what LIS shows a user is theirs alone and must not stay in a browser's or a
    proxy's cache after they log out. (The Content-Security-Policy is django-csp's.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.LIS_PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers["Cache-Control"] = "no-store"
        return response


class LanguageMiddleware:
    """Swedish unless the user chose another language with the switch (a cookie).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: a kommun's
    staff see the policy's Swedish terms whatever their browser is set to."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PasswordChangeRequiredMiddleware:
    """A user whose password an administrator chose (User.must_change_password) reaches only the
    password change page, logout and the pages open to everyone until they have chosen their own."""

    ALLOWED = frozenset({"core:password_change", "core:logout"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        if request.resolver_match.view_name in self.ALLOWED or not getattr(view_func, "login_required", True):
            return None
        target = reverse("core:password_change")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)


class MfaRequiredMiddleware:
    """A local login whose role the setting requires two-step verification of
    (settings.LIS_MFA_REQUIRED_ROLES, lis.core.mfa) reaches only the set-up pages, logout and the
    pages open to everyone until this session's login has passed a second factor. A login that
    already has one but got in without it (a session from before it was required) must log in
    again. SSO logins rely on the identity provider's MFA."""

    SETUP = frozenset(
        {"core:mfa", "core:mfa_totp", "core:mfa_totp_qr", "core:mfa_webauthn", "core:logout", "core:password_change"}
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from . import mfa  # allauth's models are ready only after the apps

        if not getattr(view_func, "login_required", True) or not mfa.session_falls_short(request):
            return None
        if mfa.is_enabled(request.user):
            target = reverse("core:login")
            logout(request)
        elif request.resolver_match.view_name in self.SETUP:
            return None
        else:
            target = reverse("core:mfa")
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return redirect(target)
