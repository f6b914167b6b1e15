"""Helpers every domain service uses (apply field values, validate, save and record), and the
login's own service: changing one's password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from . import access
from .changelog import record_create, record_event, record_update, snapshot
from .models import User

M = TypeVar("M", bound=models.Model)


def create_object(obj: M, *, actor: User | None, validate: Callable[[M], None] | None = None) -> M:
    """Validate (`validate`, then model invariants and constraints), save and record."""
    if validate is not None:
        validate(obj)
    obj.full_clean()
    obj.save()
    record_create(obj, user=actor)
    return obj


def update_object(
    obj: M, changes: dict[str, Any], *, actor: User | None, validate: Callable[[M], None] | None = None
) -> M:
    """Apply `changes`, validate, save the changed fields and record the diff. On a
    validation error the object in memory is restored, and nothing is written."""
    unknown = set(changes) - {f.name for f in obj._meta.concrete_fields}
    if unknown:
        raise ValidationError(f"Okända fält: {', '.join(sorted(unknown))}")
    before = snapshot(obj)
    originals = {name: getattr(obj, name) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    try:
        if validate is not None:
            validate(obj)
        obj.full_clean()
    except ValidationError:
        for name, value in originals.items():
            setattr(obj, name, value)
        raise
    changed = [name for name, value in snapshot(obj).items() if before.get(name) != value]
    if changed:
        obj.save(update_fields=changed)
        record_update(obj, before, user=actor)
    return obj


@transaction.atomic
def user_password_change(*, actor: User, user: User, old_password: str, new_password: str) -> User:
    """A user chooses their own password: the current one must be right, the new one must pass
    the password rules (settings.AUTH_PASSWORD_VALIDATORS) and differ from it. Clears the duty to
    change an administrator's password. The change log records the event, never a password."""
    access.require(actor.is_authenticated and actor.pk == user.pk, _("Du kan bara byta ditt eget lösenord."))
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Det nuvarande lösenordet är fel.")})
    if new_password == old_password:
        raise ValidationError({"new_password1": _("Det nya lösenordet måste skilja sig från det nuvarande.")})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc
    user.set_password(new_password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    record_event("password_changed", user=user, obj=user)
    return user
