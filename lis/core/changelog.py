"""Writing and verifying the change log (DESIGN.md, "Change log"; POL-2.3).

Services call `record_create`, `record_update`, `record_delete` or `record_event` inside
their transaction. The request id groups every entry one user action wrote.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from .models import ChangeLogEntry, ChangeLogHead, User

GENESIS_HASH = "0" * 64
# Set while a dry run writes only to roll back: entries are built but not chained or saved,
# so a long dry run does not hold the chain's lock against every other write in LIS.
_dry_run: contextvars.ContextVar[bool] = contextvars.ContextVar("lis_changelog_dry_run", default=False)


@contextlib.contextmanager
def dry_run() -> Iterator[None]:
    token = _dry_run.set(True)
    try:
        yield
    finally:
        _dry_run.reset(token)


_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("lis_request_id", default=None)
# What the client called its request (X-Request-ID), kept beside LIS's own id, never instead of it.
_client_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("lis_client_request_id", default="")


def set_request_id(value: str | None, *, client_value: str = "") -> tuple[contextvars.Token, contextvars.Token]:
    return _request_id.set(value), _client_request_id.set(client_value)


def reset_request_id(tokens: tuple[contextvars.Token, contextvars.Token]) -> None:
    _request_id.reset(tokens[0])
    _client_request_id.reset(tokens[1])


def current_request_id() -> str:
    """The id of the current request or command; a fresh one outside of both."""
    value = _request_id.get()
    if value is None:
        value = str(uuid.uuid4())
        _request_id.set(value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


# Never written to the log: a password hash, and bookkeeping that is not an edit.
UNRECORDED_FIELDS = frozenset({"password", "last_login"})


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The recordable state of `obj`: editable concrete fields by name, foreign keys as id."""
    result: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.primary_key or not field.editable or field.name in UNRECORDED_FIELDS:
            continue
        value = getattr(obj, field.attname)
        result[field.name] = _plain(value)
    return result


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}


def _entry_payload(entry: ChangeLogEntry) -> bytes:
    """The signed content of an entry: every column but the hash itself."""
    data = {
        "sequence": entry.sequence,
        "timestamp": entry.timestamp.astimezone(datetime.UTC).isoformat(timespec="microseconds"),
        "request_id": entry.request_id,
        "client_request_id": entry.client_request_id,
        "key_id": entry.key_id,
        "user_id": entry.user_id,
        "user_name": entry.user_name,
        "action": entry.action,
        "event": entry.event,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


class UnknownKey(Exception):
    """An entry names a key LIS has not been given (LIS_CHANGELOG_KEY_FILE)."""


def current_key_id() -> str:
    """The key that signs new entries: the last one configured."""
    return next(reversed(settings.LIS_CHANGELOG_KEYS))


def sign(key_id: str, payload: bytes) -> str:
    """HMAC-SHA256 with a key the database does not hold: someone who can rewrite rows cannot
    recompute the chain after a change."""
    try:
        key = settings.LIS_CHANGELOG_KEYS[key_id]
    except KeyError:
        raise UnknownKey(key_id) from None
    return hmac.new(key.encode(), payload, hashlib.sha256).hexdigest()


def compute_hash(entry: ChangeLogEntry) -> str:
    return sign(entry.key_id, _entry_payload(entry))


def _user_name(user: User | None) -> str:
    if user is None or not user.is_authenticated:
        return "System"
    full = user.get_full_name().strip()
    return f"{full} ({user.get_username()})" if full else user.get_username()


def object_type_of(obj_or_model: models.Model | type[models.Model]) -> str:
    """How the change log names a model: app_label.model_name, or the name it had before it
    moved to another app (`changelog_type`), since the signed entries cannot be renamed."""
    return getattr(obj_or_model, "changelog_type", None) or obj_or_model._meta.label_lower


def _append(
    *,
    user: User | None,
    action: str,
    object_type: str,
    object_id: str,
    object_repr: str,
    changes: dict[str, Any],
    event: str = "",
    user_name: str | None = None,
) -> ChangeLogEntry:
    if _dry_run.get():
        return ChangeLogEntry(
            action=action,
            event=event,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:300],
            changes=changes,
            user_name=user_name or "",
        )
    with transaction.atomic():
        head, _ = ChangeLogHead.objects.select_for_update().get_or_create(
            pk=1, defaults={"sequence": 0, "hash": GENESIS_HASH}
        )
        actor = user if (user is not None and user.is_authenticated) else None
        entry = ChangeLogEntry(
            sequence=head.sequence + 1,
            timestamp=timezone.now(),
            request_id=current_request_id(),
            client_request_id=_client_request_id.get(),
            key_id=current_key_id(),
            user=actor,
            user_name=user_name if user_name is not None else _user_name(actor),
            action=action,
            event=event,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:300],
            changes=json.loads(json.dumps(changes, default=str)),
            prev_hash=head.hash,
        )
        entry.hash = compute_hash(entry)
        entry.save()
        head.sequence, head.hash = entry.sequence, entry.hash
        head.save(update_fields=["sequence", "hash"])
    return entry


def head_hash() -> str:
    """The newest entry's hash: it changes with every write that LIS records, so a value
    derived from recorded data can be kept until it changes (one primary-key read)."""
    return ChangeLogHead.objects.filter(pk=1).values_list("hash", flat=True).first() or GENESIS_HASH


def data_head() -> str:
    """The hash of the newest create, update or delete: it moves with every change of recorded
    data but not with events (logins, exports, notifications), so a value derived from the data
    alone can be kept until it moves. Reads backwards along the sequence index."""
    return (
        ChangeLogEntry.objects.exclude(action=ChangeLogEntry.Action.EVENT)
        .order_by("-sequence")
        .values_list("hash", flat=True)
        .first()
        or GENESIS_HASH
    )


# Events that never change what is due or what the rules find: signing in, exporting, and the
# reminders themselves.
QUIET_EVENTS = (
    "login",
    "logout",
    "login_failed",
    "password_changed",
    "mfa_added",
    "mfa_removed",
    "mfa_reset",
    "mfa_failed",
    "mfa_recovery_codes_renewed",
    "export",
    "download",
    "reminder_sent",
    "reminder_summary_sent",
    "reminder_preferences_changed",
)


def obligations_head() -> str:
    """The hash of the newest entry that could change what is due or what a rule finds: unlike
    `data_head` it moves with the events that close an obligation without an update (planned
    work notified, a training import, a review recorded), and unlike `head_hash` not with logins,
    exports or reminders. One query, read backwards along the sequence index."""
    return (
        ChangeLogEntry.objects.exclude(action=ChangeLogEntry.Action.EVENT, event__in=QUIET_EVENTS)
        .order_by("-sequence")
        .values_list("hash", flat=True)
        .first()
        or GENESIS_HASH
    )


def record_create(obj: models.Model, *, user: User | None) -> ChangeLogEntry:
    state = snapshot(obj)
    return _append(
        user=user,
        action=ChangeLogEntry.Action.CREATE,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        changes={name: [None, value] for name, value in state.items() if value not in (None, "")},
    )


def record_update(
    obj: models.Model, before: dict[str, Any], *, user: User | None, extra: dict[str, Any] | None = None
) -> ChangeLogEntry | None:
    """Record the fields that changed since `before` (a `snapshot`); nothing if none did.
    `extra` adds values the snapshot cannot see, such as a many-to-many field's ids."""
    changes = diff(before, snapshot(obj) | (extra or {}))
    if not changes:
        return None
    return _append(
        user=user,
        action=ChangeLogEntry.Action.UPDATE,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        changes=changes,
    )


def record_delete(obj: models.Model, *, user: User | None) -> ChangeLogEntry:
    state = snapshot(obj)
    return _append(
        user=user,
        action=ChangeLogEntry.Action.DELETE,
        object_type=object_type_of(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        changes={name: [value, None] for name, value in state.items() if value not in (None, "")},
    )


def record_event(
    event: str,
    *,
    user: User | None,
    obj: models.Model | None = None,
    details: dict[str, Any] | None = None,
    user_name: str | None = None,
) -> ChangeLogEntry:
    """A non-edit event: login, logout, failed login, export, approval, reminder sent."""
    return _append(
        user=user,
        action=ChangeLogEntry.Action.EVENT,
        event=event,
        object_type=object_type_of(obj) if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj) if obj is not None else "",
        changes=details or {},
        user_name=user_name,
    )


@dataclass(frozen=True)
class ChainProblem:
    sequence: int | None
    entry_id: int | None
    problem: str


def verify_chain(batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Walk the chain in sequence order and yield every break (first one first)."""
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    last_sequence = 0
    queryset = ChangeLogEntry.objects.order_by("sequence")
    for entry in queryset.iterator(chunk_size=batch_size):
        if entry.sequence != expected_sequence:
            yield ChainProblem(
                entry.sequence, entry.pk, f"sekvensnummer {expected_sequence} saknas (borttagen eller omordnad post)"
            )
        if entry.prev_hash != expected_prev:
            yield ChainProblem(
                entry.sequence,
                entry.pk,
                "föregående hash stämmer inte (en post före denna är ändrad, borttagen eller omordnad)",
            )
        try:
            intact = hmac.compare_digest(compute_hash(entry), entry.hash)
        except UnknownKey:
            yield ChainProblem(
                entry.sequence,
                entry.pk,
                f"nyckeln {entry.key_id!r} saknas i LIS_CHANGELOG_KEY_FILE och kan inte kontrolleras",
            )
        else:
            if not intact:
                yield ChainProblem(entry.sequence, entry.pk, "innehållet är ändrat efter att posten skrevs")
        expected_prev = entry.hash
        expected_sequence = entry.sequence + 1
        last_sequence = entry.sequence
    head = ChangeLogHead.objects.filter(pk=1).first()
    if head is not None and (head.sequence != last_sequence or head.hash != expected_prev):
        yield ChainProblem(
            head.sequence,
            None,
            f"kedjans huvud pekar på post {head.sequence} men sista posten är {last_sequence} "
            "(poster i slutet är borttagna eller ändrade)",
        )


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at a moment, signed, to keep outside LIS (a file, the diarium, e-mail).
    A later `verify_changelog --checkpoint` proves that nothing up to that entry has been
    changed or removed since, even by someone who can write to the database."""

    sequence: int
    hash: str
    created_at: str
    key_id: str
    signature: str = ""

    def _signed_part(self) -> bytes:
        return f"{self.sequence}|{self.hash}|{self.created_at}|{self.key_id}".encode()

    def signed(self) -> Checkpoint:
        return Checkpoint(
            self.sequence, self.hash, self.created_at, self.key_id, sign(self.key_id, self._signed_part())
        )

    def signature_valid(self) -> bool:
        try:
            return hmac.compare_digest(sign(self.key_id, self._signed_part()), self.signature)
        except UnknownKey:
            return False

    def as_line(self) -> str:
        return json.dumps(self.__dict__, sort_keys=True)

    @classmethod
    def from_line(cls, line: str) -> Checkpoint:
        data = json.loads(line)
        return cls(
            sequence=int(data["sequence"]),
            hash=str(data["hash"]),
            created_at=str(data["created_at"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
        )


def checkpoint_create() -> Checkpoint:
    head = ChangeLogHead.objects.filter(pk=1).first()
    sequence, digest = (head.sequence, head.hash) if head else (0, GENESIS_HASH)
    now = timezone.now().astimezone(datetime.UTC).isoformat(timespec="seconds")
    return Checkpoint(sequence, digest, now, current_key_id()).signed()


def anchor_problem(digest: str, sequence: int | None = None) -> str | None:
    """Why an externally kept head is not in the chain at its position, or None if it is. The
    chain may have grown past it; what matters is that the anchored entry is still there."""
    if sequence == 0 and digest == GENESIS_HASH:
        return None
    entry = ChangeLogEntry.objects.filter(hash=digest).only("sequence").first()
    if entry is None:
        return f"hashen {digest} finns inte i kedjan: poster fram till den har ändrats eller tagits bort"
    if sequence is not None and entry.sequence != sequence:
        return f"hashen {digest} står på post {entry.sequence}, inte på post {sequence}: kedjan är omordnad"
    return None
