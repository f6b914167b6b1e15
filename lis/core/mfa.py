"""Two-step verification (MFA) for local logins: an authenticator app (TOTP), a security key or
passkey (WebAuthn) and one-time recovery codes, kept in allauth's MFA models.

LIS keeps its own login page (lis.core.views.LoginView): a password that is right for a login
with an authenticator does not log in, it starts a *pending* login in the session, which the
second step (lis.core.mfa_views.login_second_step) completes with a code or the key. The login
event then says which second factor was used. Local logins of the roles in
settings.LIS_MFA_REQUIRED_ROLES (and superusers) must have one before they reach anything else
(lis.core.middleware.MfaRequiredMiddleware); SSO logins rely on the identity provider's MFA.

Secrets (the TOTP key, the recovery-code seed) are encrypted in the database with a key derived
from SECRET_KEY (SECRET_KEY_FALLBACKS still decrypt after a rotation). A TOTP code is accepted
once: the database, not a per-process cache, remembers the last one used.
"""

from __future__ import annotations

import base64
import datetime
import logging
import time
from dataclasses import dataclass

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.utils import decrypt
from allauth.mfa.webauthn.internal import auth as webauthn_auth
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access
from .changelog import object_type_of, record_event
from .models import ChangeLogEntry, User

logger = logging.getLogger(__name__)

PENDING_KEY = "lis_mfa_pending"
VERIFIED_KEY = "lis_mfa_verified"  # the session's login passed a second factor (or SSO)
TOTP_SECRET_KEY = "lis_mfa_totp_secret"
RECOVERY_CODES_KEY = "lis_mfa_new_codes"
PENDING_SECONDS = 300
MAX_FAILURES = 5  # wrong codes per password step
LOCK_FAILURES, LOCK_MINUTES = 10, 30  # wrong codes per login over all steps, and for how long

# What allauth and fido2 raise for a key answer that is wrong or not one at all (posted by hand).
MALFORMED = (ValidationError, KeyError, TypeError, ValueError, AttributeError)
PRIMARY_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
TYPE_LABELS = {
    Authenticator.Type.TOTP: gettext_lazy("Autentiseringsapp"),
    Authenticator.Type.WEBAUTHN: gettext_lazy("Säkerhetsnyckel"),
    Authenticator.Type.RECOVERY_CODES: gettext_lazy("Reservkoder"),
}


def _fernet() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lis.core.mfa", info=b"mfa-secrets").derive(
                        key.encode()
                    )
                )
            )
            for key in keys
        ]
    )


class MfaAdapter(DefaultMFAAdapter):
    """allauth's MFA with LIS's wording, encrypted secrets and the login name as label."""

    error_messages = {
        "add_when_inactive": gettext_lazy("Inloggningen är inte aktiv."),
        "cannot_delete_authenticator": gettext_lazy("Det här sättet att verifiera kan inte tas bort."),
        "incorrect_code": gettext_lazy("Koden stämmer inte. Försök igen med en ny kod."),
        "unverified_email": gettext_lazy("E-postadressen är inte bekräftad."),
    }

    def get_totp_label(self, user) -> str:
        return user.get_username()

    def get_totp_issuer(self) -> str:
        return settings.MFA_TOTP_ISSUER

    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        try:
            return _fernet().decrypt(encrypted_text.encode()).decode()
        except InvalidToken as exc:
            raise ValidationError(_("Tvåstegsverifieringen kan inte läsas (nyckeln har bytts).")) from exc

    def generate_authenticator_name(self, user, type) -> str:
        n = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        return _("Säkerhetsnyckel %(number)s") % {"number": n + 1}

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        entity = super().get_public_key_credential_rp_entity()
        return entity | {"name": settings.MFA_TOTP_ISSUER}


# --- what a user has and must have ------------------------------------------------------------


def authenticators(user: User) -> list[Authenticator]:
    order = {Authenticator.Type.TOTP: 0, Authenticator.Type.WEBAUTHN: 1, Authenticator.Type.RECOVERY_CODES: 2}
    found = Authenticator.objects.filter(user_id=user.pk).order_by("created_at")
    return sorted(found, key=lambda authenticator: order[authenticator.type])


def label(authenticator: Authenticator) -> str:
    if authenticator.type == Authenticator.Type.WEBAUTHN:
        return authenticator.wrap().name
    return str(TYPE_LABELS[authenticator.type])


def is_enabled(user: User) -> bool:
    """The login has a second factor (an app or a key; recovery codes alone are not one)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_TYPES).exists()


def is_required(user: User, principal=None) -> bool:
    """The setting asks this login (by its roles, or as a superuser) for a second factor."""
    required = settings.LIS_MFA_REQUIRED_ROLES
    if not required or not user.is_authenticated:
        return False
    return bool(user.is_superuser or (principal or access.principal_for(user)).roles & required)


def session_falls_short(request: HttpRequest) -> bool:
    """The signed-in user's login must have passed a second factor and this session's has not."""
    user = getattr(request, "user", None)
    if not settings.LIS_MFA_REQUIRED_ROLES or user is None or not user.is_authenticated:
        return False
    if request.session.get(VERIFIED_KEY):
        return False
    return is_required(user, getattr(request, "principal", None))


def uses_password(user: User) -> bool:
    """Only local logins (with a password) set up MFA in LIS; SSO logins have the IdP's."""
    return user.has_usable_password()


def unused_recovery_codes(user: User) -> int:
    found = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.RECOVERY_CODES).first()
    return len(found.wrap().get_unused_codes()) if found else 0


# --- the pending login between password and second factor -------------------------------------


@dataclass
class Pending:
    user: User
    backend: str
    next_url: str
    failures: int


def begin_pending(request: HttpRequest, user: User, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "started": time.time(),
        "failures": 0,
    }


def pending(request: HttpRequest) -> Pending | None:
    """The login waiting for its second step, unless it has expired or the user is gone."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or time.time() - data.get("started", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        return None
    return Pending(user=user, backend=data["backend"], next_url=data["next"], failures=data.get("failures", 0))


def clear_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def locked(user: User) -> bool:
    """Too many wrong codes for this login lately, over all attempts (each new password step
    gives MAX_FAILURES more): the second step is closed until LOCK_MINUTES have passed."""
    since = timezone.now() - datetime.timedelta(minutes=LOCK_MINUTES)
    return (
        ChangeLogEntry.objects.filter(
            object_type=object_type_of(user), object_id=str(user.pk), event="mfa_failed", timestamp__gte=since
        ).count()
        >= LOCK_FAILURES
    )


def count_failure(request: HttpRequest, found: Pending) -> bool:
    """Record a wrong code; True when the pending login is used up and has been cleared."""
    found.failures += 1
    record_event("mfa_failed", user=None, obj=found.user, user_name="", details={"count": found.failures})
    if found.failures >= MAX_FAILURES:
        clear_pending(request)
        return True
    request.session[PENDING_KEY] = request.session[PENDING_KEY] | {"failures": found.failures}
    return False


# --- verifying a second factor ------------------------------------------------------------------


def _normalise(code: str) -> str:
    return "".join(code.split()).replace("-", "")


@transaction.atomic
def verify_code(user: User, code: str) -> Authenticator | None:
    """The authenticator a code from the app or a recovery code belongs to, marking it used; None
    when it is wrong or was already used."""
    code = _normalise(code)
    if not code.isdigit():
        return None
    for authenticator in Authenticator.objects.select_for_update().filter(
        user_id=user.pk, type__in=(Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)
    ):
        try:
            if authenticator.type == Authenticator.Type.TOTP:
                step = _totp_step(decrypt(authenticator.data["secret"]), code)
                # A step at or before the last one accepted is refused: each code logs in once.
                if step is not None and step > authenticator.data.get("lis_last_step", -1):
                    authenticator.data = authenticator.data | {"lis_last_step": step}
                    authenticator.last_used_at = timezone.now()
                    authenticator.save(update_fields=["data", "last_used_at"])
                    return authenticator
            elif authenticator.wrap().validate_code(code):  # marks the recovery code used
                authenticator.record_usage()
                return authenticator
        except ValidationError:  # encrypted with a key no longer in SECRET_KEY(_FALLBACKS)
            logger.error("Tvåstegsverifiering för användare %s kan inte dekrypteras", user.pk)
    return None


def _totp_step(secret: str, code: str) -> int | None:
    """The time step (of those within the tolerance) whose code `code` is, or None."""
    for step in totp_auth.yield_hotp_counters_from_time():
        if compare_user_code(actual=code, expected=totp_auth.format_hotp_value(totp_auth.hotp_value(secret, step))):
            return step
    return None


def webauthn_request_options(user: User) -> dict:
    """Begin a key ceremony for `user` (the challenge is kept in the session)."""
    return webauthn_auth.begin_authentication(user)


def verify_webauthn(user: User, credential) -> Authenticator | None:
    if not isinstance(credential, dict):
        return None
    try:
        webauthn_auth.parse_authentication_response(credential)
        authenticator = webauthn_auth.complete_authentication(user, credential)
    except MALFORMED:
        return None
    authenticator.record_usage()
    return authenticator


# --- setting up and removing (services) --------------------------------------------------------


def _require_own_local_login(actor: User) -> None:
    access.require(actor.is_authenticated and uses_password(actor), _("Du loggar in med kommunens inloggning."))


def _check_password(actor: User, password: str) -> None:
    if not actor.check_password(password):
        raise ValidationError({"password": _("Lösenordet stämmer inte.")})


def new_totp_secret(request: HttpRequest) -> str:
    """The secret shown while the app is being set up, kept in the session until confirmed."""
    if not request.session.get(TOTP_SECRET_KEY):
        request.session[TOTP_SECRET_KEY] = totp_auth.generate_totp_secret()
    return request.session[TOTP_SECRET_KEY]


def totp_url(user: User, secret: str) -> str:
    return MfaAdapter().build_totp_url(user, secret)


def totp_svg(url: str) -> str:
    return MfaAdapter().build_totp_svg(url)


def _recovery_codes_if_missing(actor: User) -> list[str]:
    if Authenticator.objects.filter(user_id=actor.pk, type=Authenticator.Type.RECOVERY_CODES).exists():
        return []
    codes = RecoveryCodes.activate(actor)
    record_event("mfa_added", user=actor, obj=actor, details={"type": Authenticator.Type.RECOVERY_CODES})
    return codes.generate_codes()


@transaction.atomic
def totp_activate(*, actor: User, secret: str, code: str) -> list[str]:
    """Add the authenticator app once it has shown a right code; returns the recovery codes
    made with the first second factor (empty when the login already has them)."""
    _require_own_local_login(actor)
    User.objects.select_for_update().get(pk=actor.pk)
    if Authenticator.objects.filter(user_id=actor.pk, type=Authenticator.Type.TOTP).exists():
        raise ValidationError({"code": _("Du har redan en autentiseringsapp. Ta bort den först för att byta.")})
    if not totp_auth.validate_totp_code(secret, _normalise(code)):
        raise ValidationError({"code": _("Koden stämmer inte. Kontrollera att appen visar LIS och försök igen.")})
    totp_auth.TOTP.activate(actor, secret)
    record_event("mfa_added", user=actor, obj=actor, details={"type": Authenticator.Type.TOTP})
    return _recovery_codes_if_missing(actor)


def webauthn_creation_options(actor: User) -> dict:
    _require_own_local_login(actor)
    return webauthn_auth.begin_registration(actor, passwordless=False)


@transaction.atomic
def webauthn_add(*, actor: User, name: str, credential) -> list[str]:
    _require_own_local_login(actor)
    User.objects.select_for_update().get(pk=actor.pk)
    name = name.strip() or MfaAdapter().generate_authenticator_name(actor, Authenticator.Type.WEBAUTHN)
    try:
        if not isinstance(credential, dict):
            raise ValidationError("not a credential")
        webauthn_auth.parse_registration_response(credential)
        webauthn_auth.complete_registration(credential)
    except MALFORMED as exc:
        raise ValidationError(
            {"credential": _("Nyckeln kunde inte registreras. Försök igen och följ anvisningarna i webbläsaren.")}
        ) from exc
    webauthn_auth.WebAuthn.add(actor, name[:100], credential)
    record_event("mfa_added", user=actor, obj=actor, details={"type": Authenticator.Type.WEBAUTHN, "name": name[:100]})
    return _recovery_codes_if_missing(actor)


@transaction.atomic
def authenticator_remove(*, actor: User, authenticator: Authenticator, password: str) -> None:
    """Remove one of one's own second factors. A login the setting requires MFA of keeps at
    least one app or key; removing the last one removes the recovery codes too."""
    _require_own_local_login(actor)
    access.require(authenticator.user_id == actor.pk)
    _check_password(actor, password)
    others = Authenticator.objects.filter(user_id=actor.pk, type__in=PRIMARY_TYPES).exclude(pk=authenticator.pk)
    if authenticator.type in PRIMARY_TYPES and not others.exists():
        if is_required(actor):
            raise ValidationError(
                _(
                    "Din roll kräver tvåstegsverifiering. Lägg till en annan app eller nyckel innan du tar bort "
                    "den sista."
                )
            )
        Authenticator.objects.filter(user_id=actor.pk, type=Authenticator.Type.RECOVERY_CODES).delete()
    if authenticator.type == Authenticator.Type.RECOVERY_CODES and others.exists():
        raise ValidationError(_("Reservkoderna tas bort med den sista appen eller nyckeln. Skapa nya i stället."))
    details = {"type": authenticator.type}
    if authenticator.type == Authenticator.Type.WEBAUTHN:
        details["name"] = authenticator.wrap().name
    authenticator.delete()
    record_event("mfa_removed", user=actor, obj=actor, details=details)


@transaction.atomic
def recovery_codes_regenerate(*, actor: User, password: str) -> list[str]:
    """New recovery codes; the old ones stop working."""
    _require_own_local_login(actor)
    _check_password(actor, password)
    access.require(is_enabled(actor), _("Lägg först till en app eller nyckel."))
    User.objects.select_for_update().get(pk=actor.pk)
    Authenticator.objects.filter(user_id=actor.pk, type=Authenticator.Type.RECOVERY_CODES).delete()
    codes = RecoveryCodes.activate(actor).generate_codes()
    record_event("mfa_recovery_codes_renewed", user=actor, obj=actor)
    return codes


@transaction.atomic
def mfa_reset(*, actor: User | None, user: User, reason: str) -> int:
    """An administrator removes another login's second factors (a lost phone or key); its owner
    sets up new ones at the next login. Never one's own: that is what recovery codes are for.
    `actor` None is an operator at the server (`manage.py reset_mfa`)."""
    if actor is not None:
        access.require(
            access.principal_for(actor).has_role("administrator"),
            _("Endast administratörer kan återställa tvåstegsverifiering."),
        )
        access.require(actor.pk != user.pk, _("Du kan inte återställa din egen tvåstegsverifiering."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Ange varför tvåstegsverifieringen återställs.")})
    removed, _by_type = Authenticator.objects.filter(user_id=user.pk).delete()
    ended = end_sessions(user)
    record_event(
        "mfa_reset", user=actor, obj=user, details={"removed": removed, "sessions_ended": ended, "reason": reason[:500]}
    )
    return removed


def end_sessions(user: User) -> int:
    """Log `user` out everywhere (a lost phone may be in someone else's hands, logged in): every
    unexpired session of theirs is removed. Rare, so reading the sessions through is fine."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended
