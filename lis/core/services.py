"""Helpers every domain service uses: apply field values, validate, save and record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models

from .changelog import record_create, record_update, snapshot
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
