"""Two-step verification pages (lis.core.mfa): the second step of a login, and one's own
authenticator app, security keys and recovery codes."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from . import mfa
from .forms import (
    MfaCodeForm,
    PasswordConfirmForm,
    TotpActivateForm,
    WebAuthnAddForm,
    WebAuthnAssertForm,
    call_service,
)


def _complete_login(request: HttpRequest, found: mfa.Pending, authenticator: Authenticator) -> HttpResponse:
    mfa.clear_pending(request)
    user = found.user
    user.backend = found.backend
    # The login event (lis.core.signals) records the second factor used.
    request.lis_login_details = {"method": "password", "mfa": authenticator.type}
    auth_login(request, user)
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        left = mfa.unused_recovery_codes(user)
        messages.warning(
            request,
            _("Du loggade in med en reservkod. Du har %(count)s kvar; skapa nya under Tvåstegsverifiering.")
            % {"count": left},
        )
    return redirect(found.next_url or reverse("core:home"))


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login_second_step(request: HttpRequest) -> HttpResponse:
    """After the right password for a login with two-step verification: a code or the key."""
    found = mfa.pending(request)
    if found is None:
        mfa.clear_pending(request)
        messages.error(request, _("Inloggningen tog för lång tid eller avbröts. Logga in igen."))
        return redirect("core:login")
    code_form = MfaCodeForm(request.POST if "code" in request.POST else None)
    key_form = WebAuthnAssertForm(request.POST if "credential" in request.POST else None)
    if mfa.locked(found.user):
        mfa.clear_pending(request)
        messages.error(
            request,
            _("För många felaktiga koder för inloggningen. Vänta %(minutes)s minuter och försök igen.")
            % {"minutes": mfa.LOCK_MINUTES},
        )
        return redirect("core:login")
    key_error = ""
    if request.method == "POST":
        authenticator = None
        if code_form.is_bound and code_form.is_valid():
            authenticator = mfa.verify_code(found.user, code_form.cleaned_data["code"])
        elif key_form.is_bound and key_form.is_valid():
            authenticator = mfa.verify_webauthn(found.user, key_form.cleaned_data["credential"])
        if authenticator is not None:
            return _complete_login(request, found, authenticator)
        if mfa.count_failure(request, found):
            messages.error(request, _("För många felaktiga koder. Logga in igen."))
            return redirect("core:login")
        if code_form.is_bound:
            if code_form.is_valid():
                code_form.add_error(None, _("Koden stämmer inte eller har redan använts. Försök igen med en ny kod."))
        else:
            key_error = _("Nyckeln kunde inte verifieras. Försök igen, eller ange en kod.")
    has_key = Authenticator.objects.filter(user_id=found.user.pk, type=Authenticator.Type.WEBAUTHN).exists()
    has_app = Authenticator.objects.filter(user_id=found.user.pk, type=Authenticator.Type.TOTP).exists()
    return render(
        request,
        "core/mfa_login.html",
        {
            "form": code_form,
            "key_error": key_error,
            "has_app": has_app,
            "webauthn_options": mfa.webauthn_request_options(found.user) if has_key else None,
        },
        status=400 if code_form.errors or key_error else 200,
    )


@never_cache
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    new_codes = request.session.pop(mfa.RECOVERY_CODES_KEY, None)
    found = mfa.authenticators(user)
    return render(
        request,
        "core/mfa_overview.html",
        {
            "local": mfa.uses_password(user),
            "required": mfa.is_required(user),
            "enabled": any(a.type in mfa.PRIMARY_TYPES for a in found),
            "authenticators": [(a, mfa.label(a)) for a in found],
            "has_app": any(a.type == Authenticator.Type.TOTP for a in found),
            "unused_codes": mfa.unused_recovery_codes(user),
            "new_codes": new_codes,
        },
    )


def _added(request: HttpRequest, codes: list[str], message: str) -> HttpResponse:
    # Whoever proves a second factor in this session has verified it.
    request.session[mfa.VERIFIED_KEY] = "setup"
    messages.success(request, message)
    if codes:
        request.session[mfa.RECOVERY_CODES_KEY] = codes
    return redirect("core:mfa")


@never_cache
@require_http_methods(["GET", "POST"])
def totp_add(request: HttpRequest) -> HttpResponse:
    if not mfa.uses_password(request.user):
        raise Http404
    form = TotpActivateForm(request.POST or None)
    # One secret per set-up, whether the page is opened once or in two tabs.
    secret = mfa.new_totp_secret(request)
    if request.method == "POST" and form.is_valid():
        codes = call_service(
            form, lambda: mfa.totp_activate(actor=request.user, secret=secret, code=form.cleaned_data["code"])
        )
        if codes is not None:
            request.session.pop(mfa.TOTP_SECRET_KEY, None)
            return _added(request, codes, _("Autentiseringsappen är tillagd."))
    return render(
        request,
        "core/mfa_totp.html",
        {"form": form, "secret": secret},
        status=400 if form.errors else 200,
    )


@never_cache
@require_safe
def totp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the secret being set up, as an image (no inline markup for the CSP)."""
    secret = request.session.get(mfa.TOTP_SECRET_KEY)
    if not secret or not mfa.uses_password(request.user):
        raise Http404
    svg = mfa.totp_svg(mfa.totp_url(request.user, secret))
    return HttpResponse(svg, content_type="image/svg+xml")


@never_cache
@require_http_methods(["GET", "POST"])
def webauthn_add(request: HttpRequest) -> HttpResponse:
    if not mfa.uses_password(request.user):
        raise Http404
    form = WebAuthnAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = call_service(
            form,
            lambda: mfa.webauthn_add(
                actor=request.user, name=form.cleaned_data["name"], credential=form.cleaned_data["credential"]
            ),
        )
        if codes is not None:
            return _added(request, codes, _("Säkerhetsnyckeln är tillagd."))
    return render(
        request,
        "core/mfa_webauthn.html",
        {"form": form, "webauthn_options": mfa.webauthn_creation_options(request.user)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    authenticator = get_object_or_404(Authenticator, pk=pk, user_id=request.user.pk)
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = call_service(
            form,
            lambda: (
                mfa.authenticator_remove(
                    actor=request.user, authenticator=authenticator, password=form.cleaned_data["password"]
                )
                or True
            ),
        )
        if done:
            messages.success(request, _("%(what)s är borttagen.") % {"what": mfa.label(authenticator)})
            return redirect("core:mfa")
    return render(
        request,
        "core/mfa_confirm.html",
        {
            "form": form,
            "title": _("Ta bort %(what)s") % {"what": mfa.label(authenticator)},
            "intro": _("Du kan inte längre logga in med den. Bekräfta med ditt lösenord."),
            "submit": _("Ta bort"),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = call_service(
            form,
            lambda: mfa.recovery_codes_regenerate(actor=request.user, password=form.cleaned_data["password"]),
        )
        if codes is not None:
            request.session[mfa.RECOVERY_CODES_KEY] = codes
            messages.success(request, _("Nya reservkoder är skapade. De gamla fungerar inte längre."))
            return redirect("core:mfa")
    return render(
        request,
        "core/mfa_confirm.html",
        {
            "form": form,
            "title": _("Skapa nya reservkoder"),
            "intro": _("Du får tio nya koder att skriva ut eller spara på ett säkert ställe. De gamla slutar fungera."),
            "submit": _("Skapa nya reservkoder"),
        },
        status=400 if form.errors else 200,
    )
