"""Single sign-on with the kommun's identity provider (OpenID Connect through django-allauth).

Configured only by the environment (lis/settings/base.py, "Single sign-on"): without
LIS_OIDC_ISSUER there is no provider, no button and local login is all there is.

A login is accepted only when the ID token came from the configured issuer, for LIS's client,
with the nonce LIS sent, and when its claim (LIS_OIDC_CLAIM: the e-mail or the employee number)
names exactly one Person who has not left. That Person's own login (Person.user) is used, or
created for them without a password; nobody else ever gets an account through SSO. Everyone else
gets a page saying why (403) and nothing is written. The login event in the change log says that
it came through SSO, with the IdP's `amr`/`acr` claims (how the person authenticated: the IdP's
MFA).
"""

from __future__ import annotations

import secrets
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .changelog import record_create
from .models import User
from .services import update_object

PROVIDER = "openid_connect"
BACKEND = "lis.core.backends.LisModelBackend"
NONCE_STATE_KEY = "lis_nonce"

# Why a login was refused: (status, heading, explanation). The explanations say whom to contact.
UNKNOWN, LEFT, INACTIVE, AMBIGUOUS, INVALID = "unknown", "left", "inactive", "ambiguous", "invalid"


def _reasons() -> dict[str, tuple[int, str, str]]:
    return {
        UNKNOWN: (
            403,
            _("Du finns inte i LIS personregister – kontakta HR eller LIS-administratören"),
            _(
                "Inloggningen hos kommunens identitetstjänst lyckades, men ingen person i LIS har "
                "samma %(claim)s. Be HR eller LIS-administratören lägga in dig eller rätta uppgiften, "
                "och försök sedan igen. Inget konto har skapats."
            ),
        ),
        LEFT: (
            403,
            _("Du kan inte logga in i LIS"),
            _("Enligt LIS personregister har du slutat. Kontakta HR om det inte stämmer."),
        ),
        INACTIVE: (
            403,
            _("Du kan inte logga in i LIS"),
            _("Din inloggning i LIS är avstängd. Kontakta LIS-administratören."),
        ),
        AMBIGUOUS: (
            403,
            _("Du kan inte logga in i LIS"),
            _("Flera personer i LIS personregister har samma %(claim)s. Kontakta HR eller LIS-administratören."),
        ),
        INVALID: (
            400,
            _("Inloggningen misslyckades"),
            _(
                "Svaret från kommunens identitetstjänst kunde inte godkännas. Försök igen, och kontakta "
                "LIS-administratören om det inte går."
            ),
        ),
    }


def claim_name() -> str:
    return getattr(settings, "LIS_OIDC_CLAIM", "email") or "email"


def _claim_label(claim: str) -> str:
    return _("e-postadress") if claim == "email" else _("anställningsnummer")


def refusal(request: HttpRequest, reason: str) -> HttpResponse:
    status, heading, text = _reasons()[reason]
    return render(
        request,
        "core/sso_refused.html",
        {"heading": heading, "text": text % {"claim": _claim_label(claim_name())}},
        status=status,
    )


def _refuse(request: HttpRequest, reason: str) -> ImmediateHttpResponse:
    return ImmediateHttpResponse(refusal(request, reason))


def login_buttons(request: HttpRequest) -> list[dict[str, str]]:
    """The configured identity providers for the login page: [{"name", "url"}]; [] when SSO is off."""
    from allauth.socialaccount.adapter import get_adapter

    return [
        {"name": provider.name, "url": provider.get_login_url(request)}
        for provider in get_adapter(request).list_providers(request)
        if provider.id == PROVIDER
    ]


class LisOpenIDConnectProvider(OpenIDConnectProvider):
    """The generic OpenID Connect provider, plus a nonce: each authorization request carries a
    fresh random nonce, kept in the (session-stored) login state and compared with the ID token's
    in SocialAccountAdapter.pre_social_login. allauth itself sends none."""

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None)
        auth_params = dict(self.get_auth_params() if auth_params is None else auth_params)
        auth_params["nonce"] = nonce
        kwargs[NONCE_STATE_KEY] = nonce
        return super().redirect(request, process, next_url, data, auth_params=auth_params, **kwargs)


def _normalised_issuer(url: str) -> str:
    return (url or "").rstrip("/")


def _verified_claims(request: HttpRequest, sociallogin: SocialLogin) -> dict[str, Any]:
    """The ID token's claims with the user info's added, after checking what allauth leaves out:
    the issuer is the configured one (not only the one discovery named), the audience is LIS's
    client, the nonce is the one this browser's login sent, and the user info is about the same
    subject."""
    extra = sociallogin.account.extra_data or {}
    id_token = extra.get("id_token")
    if not isinstance(id_token, dict):
        raise _refuse(request, INVALID)
    app = sociallogin.account.get_provider().app
    if _normalised_issuer(id_token.get("iss", "")) != _normalised_issuer(app.settings.get("server_url", "")):
        raise _refuse(request, INVALID)
    audience = id_token.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if app.client_id not in audiences or (len(audiences) > 1 and id_token.get("azp") != app.client_id):
        raise _refuse(request, INVALID)
    expected_nonce = (sociallogin.state or {}).get(NONCE_STATE_KEY)
    if not expected_nonce or not secrets.compare_digest(str(id_token.get("nonce", "")), expected_nonce):
        raise _refuse(request, INVALID)
    userinfo = extra.get("userinfo") or {}
    if userinfo and userinfo.get("sub") != id_token.get("sub"):
        raise _refuse(request, INVALID)
    return {**userinfo, **id_token}


def _person_for(request: HttpRequest, claims: dict[str, Any]):
    Person = apps.get_model("organisation", "Person")
    claim = claim_name()
    value = str(claims.get(claim) or "").strip()
    if not value:
        raise _refuse(request, UNKNOWN)
    if claim == "email":
        people = Person.objects.filter(email__iexact=value)
    else:
        people = Person.objects.filter(employee_number=value)
    people = list(people.select_related("user")[:2])
    if not people:
        raise _refuse(request, UNKNOWN)
    if len(people) > 1:
        raise _refuse(request, AMBIGUOUS)
    person = people[0]
    if person.ended_on is not None and person.ended_on <= timezone.localdate():
        raise _refuse(request, LEFT)
    if person.user is not None and not person.user.is_active:
        raise _refuse(request, INACTIVE)
    return person


def _free_username(base: str) -> str:
    base = base[:140] or "sso"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}-{number}"
    return candidate


@transaction.atomic
def user_for_person(person) -> User:
    """The person's own login, created (without a password: only SSO can use it) if they have
    none, and recorded in the change log."""
    if person.user is not None:
        return person.user
    user = User(
        username=_free_username(person.email or person.employee_number or f"person-{person.pk}"),
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    record_create(user, user=None)
    update_object(person, {"user": user}, actor=None)
    return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """Link the login to its Person's user, or refuse it (ImmediateHttpResponse)."""
        claims = _verified_claims(request, sociallogin)
        person = _person_for(request, claims)
        user = user_for_person(person)
        account = sociallogin.account
        if sociallogin.is_existing:
            if account.user_id != user.pk:  # the claim now names another person: follow HR
                account.user = user
                account.save(update_fields=["user"])
            sociallogin.user = user
        else:
            sociallogin.user = user
            sociallogin.save(request, connect=True)
        details: dict[str, Any] = {"method": "sso", "provider": account.get_provider().name}
        for key in ("amr", "acr"):
            if claims.get(key):
                details[key] = claims[key]
        request.lis_login_details = details

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        raise _refuse(request, INVALID)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account side is used only to finish an SSO login: no sign-up, no e-mail, and the
    session uses LIS's own backend (which refuses people who have left on every request)."""

    def is_open_for_signup(self, request) -> bool:
        return False

    def login(self, request, user) -> None:
        user.backend = BACKEND
        super().login(request, user)
