"""How API tokens read in the change log (lis.core.history)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lis.core.history import register, register_event

from .models import ApiToken

# A token discloses whose it is (protected identities are pseudonymised).
register(ApiToken, person="user__person")
register_event("api_token_used", _("Åtkomsttoken använd"), details={"prefix": (_("Token"), None)})
