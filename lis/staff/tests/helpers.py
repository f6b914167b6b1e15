from __future__ import annotations

import datetime

from lis.staff import services

from .conftest import TODAY


def ask(persona, *, source="Webbforumet Exempel", days=90, reason="Behövs för att följa hot mot verksamheten."):
    return services.exception_request(
        actor=persona.user, source=source, reason=reason, requested_until=TODAY + datetime.timedelta(days=days)
    )


def grant(chef, exception, *, days=60, diary_number="", reason="Relevant för arbetsuppgiften."):
    return services.exception_grant(
        actor=chef.user,
        exception=exception,
        decision_reason=reason,
        valid_until=TODAY + datetime.timedelta(days=days),
        diary_number=diary_number,
    )
