"""Every write to API tokens: a user creates and revokes their own; LIS notes their use."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lis.core import access
from lis.core.changelog import record_create, record_event, record_update, snapshot
from lis.core.models import User

from .models import ApiToken, hash_secret

MAX_DAYS = 365
PREFIX_LENGTH = 8
# How often the last use is written: a token used every second does not write every second.
TOUCH_INTERVAL = datetime.timedelta(minutes=1)


@transaction.atomic
def token_create(*, actor: User, name: str, scope: str, expires_on: datetime.date | None) -> tuple[ApiToken, str]:
    """A new token of `actor`'s own. Returns the token and its secret, which LIS keeps only as a
    hash: the caller shows it once."""
    access.require(actor is not None and actor.is_authenticated)
    errors = {}
    name = " ".join((name or "").split())
    today = timezone.localdate()
    if not name:
        errors["name"] = _("Ge token ett namn, t.ex. vad den används till.")
    if scope not in ApiToken.Scope.values:
        errors["scope"] = _("Välj behörighet: läsa eller läsa och ändra.")
    if expires_on is None:
        errors["expires_on"] = _("Ange hur länge token ska gälla.")
    elif expires_on < today:
        errors["expires_on"] = _("Slutdatumet kan inte ligga i det förflutna.")
    elif expires_on > today + datetime.timedelta(days=MAX_DAYS):
        errors["expires_on"] = _("En token får gälla högst ett år.")
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        user=actor,
        name=name,
        prefix=secret[:PREFIX_LENGTH],
        secret_hash=hash_secret(secret),
        scope=scope,
        expires_on=expires_on,
    )
    token.full_clean(exclude=["secret_hash"])
    token.save()
    record_create(token, user=actor)
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    access.require(token.user_id == actor.pk)
    if token.revoked_at is not None:
        return token
    before = snapshot(token)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record_update(token, before, user=actor)
    return token


def token_touch(token: ApiToken) -> None:
    """Notes that the token was used: its last use (at most once a minute) and, the first time each
    day, an `api_token_used` event in the change log with the token's user as actor."""
    now = timezone.now()
    last = token.last_used_at
    if last is not None and now - last < TOUCH_INTERVAL:
        return
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
        if last is None or timezone.localdate(last) != timezone.localdate(now):
            record_event("api_token_used", user=token.user, obj=token, details={"prefix": token.prefix})
