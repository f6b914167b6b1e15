"""Reads of API tokens: a user sees only their own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from lis.core.access import Principal

from .models import ApiToken, hash_secret


def tokens_of(p: Principal) -> QuerySet[ApiToken]:
    if p.user is None:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=p.user).order_by("-created_at", "-pk")


def token_get(p: Principal, pk: int) -> ApiToken:
    token = tokens_of(p).filter(pk=pk).first()
    if token is None:
        raise Http404
    return token


def token_by_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is, with its user and person (for the principal), or None."""
    return ApiToken.objects.select_related("user__person__unit").filter(secret_hash=hash_secret(secret)).first()
