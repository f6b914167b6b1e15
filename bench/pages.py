"""A page the benchmark times (bench/run.py), shared with the generators that add their own
pages (bench/gen_*.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Page:
    """One page to time. `target` names an id from the generator's `targets` ("unit",
    "person", "board", ...); `expect` gives a persona's status when it is not 200;
    `content_type` the type of the expected answer when it is not an HTML page (an export)."""

    url_name: str
    target: str | None = None
    query: str = ""
    expect: Mapping[str, int] = field(default_factory=dict)
    content_type: str = "text/html"
    # Documents that take seconds to build are timed fewer times (at most this many).
    max_repeat: int | None = None

    def url(self, targets: Mapping[str, int]) -> str:
        from django.urls import reverse

        args = [targets[self.target]] if self.target else []
        query = self.query.format(**targets)  # "analys={analysis}": a target's id in the query
        return reverse(self.url_name, args=args) + (f"?{query}" if query else "")

    def label(self, targets: Mapping[str, int]) -> str:
        """The URL with the target's id shown as <target>: the same label at every size."""
        path = self.url(targets).split("?", 1)[0]
        if self.target:
            path = path.replace(f"/{targets[self.target]}/", f"/<{self.target}>/", 1)
        query = re.sub(r"\{(\w+)\}", r"<\1>", self.query)  # "analys={analysis}" → "analys=<analysis>"
        return path + (f"?{query}" if query else "")

    def expected_status(self, persona: str) -> int:
        return self.expect.get(persona, 200)
