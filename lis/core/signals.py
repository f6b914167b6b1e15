"""Logins, logouts and failed logins are change-log events (POL-2.3).

A failed login names its target without echoing what was typed: a known login is recorded as
that login (shown as its person's name, pseudonymised for a skyddad identitet, POL-3.30), an
unknown user name only as a keyed hash, so repeated attempts on one name can be told apart.
Repeated failures for one user name from one address are summarised, not recorded one by one:
django-axes counts them (until a successful login or the cool-off), and an entry carrying the
count is appended at the 1st, 2nd, 4th, 8th … failure, so a flood of N attempts adds about
log2(N) entries and the change log stays append-only."""

import hashlib
import hmac

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models import Sum
from django.dispatch import receiver

from .changelog import record_event
from .clientip import client_ip
from .mfa import VERIFIED_KEY as MFA_VERIFIED_KEY


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    # An SSO login adds how it came (lis.core.sso): method, provider and the IdP's amr/acr.
    details = {"ip": client_ip(request), **getattr(request, "lis_login_details", {})}
    record_event("login", user=user, details=details)
    # A login through the identity provider, or with a second factor, satisfies the two-step
    # verification the setting may require (lis.core.middleware.MfaRequiredMiddleware).
    if request is not None and (details.get("method") == "sso" or details.get("mfa")):
        request.session[MFA_VERIFIED_KEY] = details.get("mfa") or "sso"


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record_event("logout", user=user, details={"ip": client_ip(request)})


def username_hash(username: str) -> str:
    """A user name that matches no login, as a key only the server can compute."""
    digest = hmac.new(settings.SECRET_KEY.encode(), username.casefold().encode(), hashlib.sha256)
    return digest.hexdigest()[:16]


def failure_count(username: str, ip: str) -> int:
    """Failed logins for `username` from `ip` that django-axes counts now (it has recorded this
    one before this receiver runs: axes is installed before lis.core)."""
    attempts = AccessAttempt.objects.filter(username=username, ip_address=ip or None)
    return attempts.aggregate(count=Sum("failures_since_start"))["count"] or 1


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    ip = client_ip(request)
    count = failure_count(username, ip)
    if count & (count - 1):  # not a power of two: counted in the next summary
        return
    user = get_user_model()._default_manager.filter(username=username).first() if username else None
    details = {"ip": ip, "count": count}
    if user is None:
        details["username_hash"] = username_hash(username)
    record_event("login_failed", user=None, obj=user, user_name="", details=details)
