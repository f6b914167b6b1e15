"""The published policy's text format: `# ` heading, `## ` sub-heading, `- ` bullet,
`[^1]: ` footnote, anything else a paragraph. Rendered by the template with autoescaping."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FOOTNOTE_REF = re.compile(r"\[\^(\w+)\]")


@dataclass
class Block:
    kind: str  # "h2", "h3", "p", "ul", "footnote"
    text: str = ""
    items: list[str] = field(default_factory=list)
    anchor: str = ""

    @property
    def parts(self) -> list[tuple[str, str]]:
        """The text as (text, footnote reference) pairs, for rendering references as links."""
        pieces = FOOTNOTE_REF.split(self.text)
        return [(pieces[i], pieces[i + 1] if i + 1 < len(pieces) else "") for i in range(0, len(pieces), 2)]


def parse_policy_text(source: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in source.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(Block("h3", line[3:].strip()))
        elif line.startswith("# "):
            blocks.append(Block("h2", line[2:].strip(), anchor=f"avsnitt-{sum(b.kind == 'h2' for b in blocks) + 1}"))
        elif line.startswith("- "):
            if blocks and blocks[-1].kind == "ul":
                blocks[-1].items.append(line[2:].strip())
            else:
                blocks.append(Block("ul", items=[line[2:].strip()]))
        elif line.startswith("[^") and "]:" in line:
            blocks.append(Block("footnote", line.split("]:", 1)[1].strip(), anchor=line[2 : line.index("]")]))
        else:
            blocks.append(Block("p", line))
    return blocks
