"""Personal calendar feed addresses: a signed token naming the user, valid until their password
changes or the account is closed, so that a calendar program can subscribe without logging in.
Each feed signs with its own salt, so that one feed's address does not open another."""

from __future__ import annotations

import hashlib

from django.core import signing

from .models import User


def _key(user: User) -> str:
    return hashlib.sha256(f"{user.pk}:{user.password}".encode()).hexdigest()[:16]


def feed_token(user: User, *, salt: str) -> str:
    """A stable token for the user's feed address."""
    return signing.dumps({"u": user.pk, "k": _key(user)}, salt=salt, compress=True)


def feed_user(token: str, *, salt: str) -> User | None:
    """The active user a feed token names, or None (forged, or the password has changed since)."""
    try:
        data = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or data.get("k") != _key(user):
        return None
    return user
