"""Who calls the API: a personal access token (`Authorization: Bearer <token>`) or, for a user
browsing the docs, the login session. The token's user becomes `request.user`, so
`access.principal_for` applies exactly as on the pages and the change log records them as actor."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from lis.core import mfa
from lis.core.backends import LisModelBackend

from . import selectors, services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "bearer"

    def authenticate(self, request):
        parts = request.META.get("HTTP_AUTHORIZATION", "").split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Skriv Authorization: Bearer följt av token."))
        token = selectors.token_by_secret(parts[1])
        if token is None:
            raise exceptions.AuthenticationFailed()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Token är återkallad."))
        if token.is_expired:
            raise exceptions.AuthenticationFailed(_("Token har gått ut."))
        # The same rule as the login: an inactive login or a person who has left is refused.
        if not LisModelBackend().user_can_authenticate(token.user):
            raise exceptions.AuthenticationFailed(_("Användaren kan inte längre logga in i LIS."))
        services.token_touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="LIS"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The login session (with its CSRF check on writes), for a signed-in user's browser."""

    def authenticate(self, request):
        # A session whose login still owes the required second factor (lis.core.mfa) is not one.
        if mfa.session_falls_short(request._request):
            return None
        return super().authenticate(request)
