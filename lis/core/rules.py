"""The compliance engine: rules registered under the requirement ids of the policy pack.

A rule is a small function in the app that owns the data, registered with
`@rule("POL-3.4")`. It lives in core so that every app can register (the Efterlevnad page in
lis/compliance, a higher layer, only reads it). Several apps may check parts of one requirement
(POL-3.31: overdue measures in risks, advice not followed up in council); their findings are
joined. It returns its findings: what does not meet the requirement, for which
förvaltning/bolag (or the whole kommun), and a link to where it is put right. A rule that
checks only part of its requirement says which part (`@rule("POL-3.12", partial=_("…"))`),
and its requirement is then never reported as fulfilled, only as without findings in that part.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lis.core.pack import Requirement, get_pack


@dataclass(frozen=True)
class Finding:
    """One thing that does not meet a requirement."""

    message: str
    unit: Any = None  # an OrgUnit, or None for the kommun as a whole
    link: str = ""
    link_text: str = ""
    # Who the link works for (a Principal predicate built on lis/core/access.py); None: everyone
    # who sees the finding. The link is left out for the others.
    may_follow: Callable[[Any], bool] | None = None


RuleFunction = Callable[[], list[Finding]]
_RULES: dict[str, list[RuleFunction]] = {}
# What a partial rule checks (and what it leaves to people), by requirement id.
_PARTIAL: dict[str, list[Any]] = {}


def rule(requirement_id: str, *, partial: Any = "") -> Callable[[RuleFunction], RuleFunction]:
    """Register `function` as the check of `requirement_id` (which must be in the pack).
    `partial`: the rule checks only part of the requirement; a lazy translated text saying
    which part, shown after "Kontrolleras delvis:"."""

    def register(function: RuleFunction) -> RuleFunction:
        functions = _RULES.setdefault(requirement_id, [])
        if any(f.__qualname__ == function.__qualname__ and f.__module__ == function.__module__ for f in functions):
            raise ValueError(f"{function.__module__}.{function.__qualname__} is already registered.")
        functions.append(function)
        if partial:
            _PARTIAL.setdefault(requirement_id, []).append(partial)
        return function

    return register


def _run_all(functions: list[RuleFunction]) -> list[Finding]:
    return [finding for function in functions for finding in function()]


def registered_rules() -> dict[str, RuleFunction]:
    """Each requirement's check: every registered part, findings joined."""
    return {rid: functools.partial(_run_all, functions) for rid, functions in _RULES.items()}


def partial_text(requirement_id: str) -> str:
    return " ".join(str(text) for text in _PARTIAL.get(requirement_id, ()))


@dataclass
class RuleResult:
    requirement: Requirement
    findings: list[Finding] = field(default_factory=list)
    checked: bool = True
    partial: str = ""  # what a rule that checks only part of the requirement checks

    @property
    def met(self) -> bool:
        """The whole requirement is checked and fulfilled."""
        return self.checked and not self.partial and not self.findings

    @property
    def no_findings_in_part(self) -> bool:
        """A partial rule found nothing: no shortcoming in what it checks, which is not the
        whole requirement."""
        return self.checked and bool(self.partial) and not self.findings


def evaluate(visible: Callable[[Finding], bool] = lambda finding: True) -> list[RuleResult]:
    """Run every registered rule; keep the findings `visible` allows. Rule-kind requirements
    of the catalogue that have no rule yet are listed as not checked."""
    pack = get_pack()
    results = []
    for requirement in pack.requirements:
        functions = _RULES.get(requirement.id)
        if not functions:
            if requirement.is_rule:
                results.append(RuleResult(requirement=requirement, checked=False))
            continue
        findings = [finding for finding in _run_all(functions) if visible(finding)]
        partial = partial_text(requirement.id)
        results.append(RuleResult(requirement=requirement, findings=findings, partial=partial))
    unknown = set(_RULES) - {r.id for r in pack.requirements}
    if unknown:
        raise LookupError(f"Rules registered for ids missing from the pack: {sorted(unknown)}")
    return results


# --- every rule's results, kept --------------------------------------------------------------
# The rules read the whole register (at a large kommun, seconds), and the Efterlevnad page, the
# start page's summary and the API ask on every visit. They are run again when anything that
# could change a finding is recorded (changelog.obligations_head), when the day turns, when the
# pack changes, and at the latest after RESULTS_FRESH_SECONDS, since a few rules compare with the
# clock (an incident not triaged within the pack's hours, planned work begun unnotified). Findings
# are in the active language, so it is part of the key. Kept in this process: a finding's
# `may_follow` is a function and cannot go into a shared cache; each process runs the rules once
# per change.

RESULTS_FRESH_SECONDS = 15 * 60
_KEEP = 4  # results kept at once (languages, and the moment a change lands)
_kept: dict[str, tuple[Any, list[RuleResult]]] = {}


def current_results() -> tuple[list[RuleResult], Any]:
    """Every rule's results as of now (all findings, unfiltered), and when they were run."""
    from django.utils import timezone, translation

    from . import access, changelog

    now = timezone.now()
    key = ":".join(
        (
            changelog.obligations_head(),
            access.today().isoformat(),
            str(int(now.timestamp()) // RESULTS_FRESH_SECONDS),
            get_pack().version,
            translation.get_language() or "",
        )
    )
    kept = _kept.get(key)
    if kept is None:
        kept = (now, evaluate())
        while len(_kept) >= _KEEP:
            _kept.pop(next(iter(_kept)))
        _kept[key] = kept
    return kept[1], kept[0]


def forget_results() -> None:
    """Drop the kept results (a test that changes data without recording it)."""
    _kept.clear()


def visible_results(results: list[RuleResult], visible: Callable[[Finding], bool]) -> list[RuleResult]:
    """`results` with only the findings `visible` allows (the reader's units)."""
    from dataclasses import replace

    return [replace(result, findings=[f for f in result.findings if visible(f)]) for result in results]
