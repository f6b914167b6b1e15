"""Efterlevnad: every registered rule run now, findings per förvaltning/bolag."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lis.core import access
from lis.core.rules import Finding, evaluate


def overview(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(access.can_view_compliance(p))

    def visible(finding: Finding) -> bool:
        return finding.unit is None or p.can_view_unit(finding.unit)

    results = evaluate(visible)
    by_unit: OrderedDict[str, list[tuple]] = OrderedDict()
    for result in results:
        for finding in result.findings:
            if finding.may_follow is not None and not finding.may_follow(p):
                finding = replace(finding, link="", link_text="")
            key = finding.unit.name if finding.unit is not None else ""
            by_unit.setdefault(key, []).append((result.requirement, finding))
    checked = [r for r in results if r.checked]
    return render(
        request,
        "compliance/overview.html",
        {
            "results": results,
            "by_unit": sorted(by_unit.items(), key=lambda item: (item[0] != "", item[0])),
            "met_count": sum(r.met for r in checked),
            "partial_count": sum(bool(r.partial) for r in checked),
            "checked_count": len(checked),
            "unchecked": [r for r in results if not r.checked],
        },
    )
