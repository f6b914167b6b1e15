"""Efterlevnad: every registered rule run now, findings per förvaltning/bolag."""

from __future__ import annotations

from collections import OrderedDict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lis.core import access

from .registry import Finding, evaluate


def overview(request: HttpRequest) -> HttpResponse:
    p = request.principal
    access.require(access.can_view_compliance(p))

    def visible(finding: Finding) -> bool:
        return finding.unit is None or p.can_view_unit(finding.unit)

    results = evaluate(visible)
    by_unit: OrderedDict[str, list[tuple]] = OrderedDict()
    for result in results:
        for finding in result.findings:
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
            "checked_count": len(checked),
            "unchecked": [r for r in results if not r.checked],
        },
    )
