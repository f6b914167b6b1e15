"""The compliance engine: rules registered under the requirement ids of the policy pack.

A rule is a small function in the app that owns the data, registered with
`@rule("POL-3.4")`. It returns its findings: what does not meet the requirement, for which
förvaltning/bolag (or the whole kommun), and a link to where it is put right. A rule that
checks only part of its requirement says which part (`@rule("POL-3.12", partial=_("…"))`),
and its requirement is then never reported as fulfilled, only as without findings in that part.
"""

from __future__ import annotations

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
_RULES: dict[str, RuleFunction] = {}
# What a partial rule checks (and what it leaves to people), by requirement id.
_PARTIAL: dict[str, Any] = {}


def rule(requirement_id: str, *, partial: Any = "") -> Callable[[RuleFunction], RuleFunction]:
    """Register `function` as the check of `requirement_id` (which must be in the pack).
    `partial`: the rule checks only part of the requirement; a lazy translated text saying
    which part, shown after "Kontrolleras delvis:"."""

    def register(function: RuleFunction) -> RuleFunction:
        if requirement_id in _RULES and _RULES[requirement_id] is not function:
            raise ValueError(f"A rule for {requirement_id} is already registered.")
        _RULES[requirement_id] = function
        if partial:
            _PARTIAL[requirement_id] = partial
        return function

    return register


def registered_rules() -> dict[str, RuleFunction]:
    return dict(_RULES)


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
        function = _RULES.get(requirement.id)
        if function is None:
            if requirement.is_rule:
                results.append(RuleResult(requirement=requirement, checked=False))
            continue
        findings = [finding for finding in function() if visible(finding)]
        partial = str(_PARTIAL.get(requirement.id, ""))
        results.append(RuleResult(requirement=requirement, findings=findings, partial=partial))
    unknown = set(_RULES) - {r.id for r in pack.requirements}
    if unknown:
        raise LookupError(f"Rules registered for ids missing from the pack: {sorted(unknown)}")
    return results
