from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from .models import ApiToken


class TokenScope(permissions.BasePermission):
    """Signed in (token or session), and a read-only token only reads."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        token = request.auth
        if isinstance(token, ApiToken) and token.scope != ApiToken.Scope.WRITE:
            if request.method not in permissions.SAFE_METHODS:
                self.message = _("Token får bara läsa. Skapa en token som får läsa och ändra.")
                return False
        return True
