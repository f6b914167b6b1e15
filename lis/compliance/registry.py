"""The compliance engine: rules registered under the requirement ids of the policy pack.

A rule is a small function in the app that owns the data, registered with
`@rule("POL-3.4")`. It returns its findings: what does not meet the requirement, for which
förvaltning/bolag (or the whole kommun), and a link to where it is put right.
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


RuleFunction = Callable[[], list[Finding]]
_RULES: dict[str, RuleFunction] = {}


def rule(requirement_id: str) -> Callable[[RuleFunction], RuleFunction]:
    """Register `function` as the check of `requirement_id` (which must be in the pack)."""

    def register(function: RuleFunction) -> RuleFunction:
        if requirement_id in _RULES and _RULES[requirement_id] is not function:
            raise ValueError(f"A rule for {requirement_id} is already registered.")
        _RULES[requirement_id] = function
        return function

    return register


def registered_rules() -> dict[str, RuleFunction]:
    return dict(_RULES)


@dataclass
class RuleResult:
    requirement: Requirement
    findings: list[Finding] = field(default_factory=list)
    checked: bool = True

    @property
    def met(self) -> bool:
        return self.checked and not self.findings


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
        results.append(RuleResult(requirement=requirement, findings=findings))
    unknown = set(_RULES) - {r.id for r in pack.requirements}
    if unknown:
        raise LookupError(f"Rules registered for ids missing from the pack: {sorted(unknown)}")
    return results
