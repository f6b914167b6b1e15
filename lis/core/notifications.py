"""Notifications: in the app and by e-mail, recorded in the change log."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from .changelog import record_event
from .models import Notification, User

logger = logging.getLogger(__name__)


def notify(
    *,
    recipients: list[User],
    message: str,
    link: str = "",
    subject: str = "",
    actor: User | None = None,
    email: bool = True,
) -> int:
    """Create one notification per recipient and, when `email`, e-mail those with an address
    after commit."""
    created = 0
    for user in {u.pk: u for u in recipients}.values():
        Notification.objects.create(recipient=user, message=message[:500], link=link)
        created += 1
        address = user.email or getattr(getattr(user, "person", None), "email", "")
        if email and address:
            transaction.on_commit(lambda address=address: _send(address, subject or message, message, link))
    if created:
        record_event("notification", user=actor, details={"recipients": created, "message": message[:200]})
    return created


def _send(address: str, subject: str, message: str, link: str) -> None:
    try:
        url = f"{settings.LIS_BASE_URL}{link}" if link.startswith("/") else link
        send_mail(subject[:150], f"{message}\n\n{url}".strip(), None, [address])
    except OSError:  # the in-app notification stands even if the mail server is down
        logger.exception("Could not e-mail a notification")
