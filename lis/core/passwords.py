"""Password rules beyond Django's own validators (settings.AUTH_PASSWORD_VALIDATORS).

Django's CommonPasswordValidator checks the list Django ships (19,640 passwords from breach
corpora, django/contrib/auth/common-passwords.txt.gz); BreachedPasswordValidator checks the same
list also against the password stripped of the digits and punctuation people pad a listed word
with ("password2026!"). TrivialPasswordValidator refuses passwords that are a repetition or a
run of a sequence, whatever their length ("aaaaaaaaaaaa", "123456789012", "abcabcabcabc")."""

from __future__ import annotations

import re
from itertools import pairwise

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Sequences people type: the alphabet, the digits (cyclic: 9 → 0 continues 7890123) and the
# Swedish keyboard's rows.
SEQUENCES = (
    ("abcdefghijklmnopqrstuvwxyzåäö", False),
    ("0123456789", True),
    ("qwertyuiopå", False),
    ("asdfghjklöä", False),
    ("zxcvbnm", False),
)
# At most this many runs (each one repeated character or one step along a sequence) make a trivial password.
MAX_TRIVIAL_RUNS = 2
_PADDING = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_REPEATED_UNIT = re.compile(r"^(.+?)\1+$", re.DOTALL)


def _step(a: str, b: str) -> int | None:
    """0 for the same character, +1/-1 for neighbours along one of SEQUENCES, otherwise None."""
    if a == b:
        return 0
    for sequence, cyclic in SEQUENCES:
        i, j = sequence.find(a), sequence.find(b)
        if i < 0 or j < 0:
            continue
        distance = (j - i + 1) % len(sequence) - 1 if cyclic else j - i
        if distance in (1, -1):
            return distance
    return None


def sequence_runs(password: str) -> int:
    """How many runs the password splits into: a run goes on while every character is the same
    step (0, +1 or -1) along a sequence from the one before it."""
    text = password.lower()
    runs, step = 1, None
    for a, b in pairwise(text):
        current = _step(a, b)
        if current is not None and step in (None, current):
            step = current
        else:
            runs += 1
            step = None
    return runs


def is_trivial(password: str) -> bool:
    return bool(_REPEATED_UNIT.match(password.lower())) or sequence_runs(password) <= MAX_TRIVIAL_RUNS


class TrivialPasswordValidator:
    """Refuses a repeated character or group ("aaaaaaaaaaaa", "abcabcabcabc") and runs along a
    sequence ("123456789012", "qwertyuiopås", "aaaaaa123456")."""

    def validate(self, password: str, user=None) -> None:
        if is_trivial(password):
            raise ValidationError(
                _("Lösenordet består bara av upprepningar eller följder av tecken. Välj ett som är svårare att gissa."),
                code="password_trivial",
            )

    def get_help_text(self) -> str:
        return _("Lösenordet får inte bara bestå av upprepningar eller följder som aaaa, 1234 eller abcabc.")


class BreachedPasswordValidator(CommonPasswordValidator):
    """Django's list of breached passwords, also against the password without the digits and
    punctuation padded around a listed word."""

    def validate(self, password: str, user=None) -> None:
        core = _PADDING.sub("", password.lower().strip())
        if password.lower().strip() in self.passwords or (core and core in self.passwords):
            raise ValidationError(
                _("Lösenordet finns i listor över läckta och vanliga lösenord. Välj ett annat."),
                code="password_too_common",
            )

    def get_help_text(self) -> str:
        return _("Lösenordet får inte finnas i listor över läckta och vanliga lösenord.")
