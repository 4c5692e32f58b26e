"""The "Details" block of a digest: numbered sections, icons, bullets, sub-sections.

Shared by the plain-text (Digestly), Markdown and HTML digest parsers, which all
reduce to lines such as ``3. 🌍 Title``, ``#### 3. 🌍 Title``, ``  • bullet``,
``7.1. Sub-title`` and loose text. Nesting comes from the dotted number
(``7.1`` under ``7``) or from a deeper Markdown heading level, never from
recursion over input depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from store.models import Section
from store.parse.common import (
    BULLET_RE,
    KEYCAP_RE,
    NUMBERED_RE,
    PLAIN_BULLET_RE,
    md_inline,
    parse_numbered_heading,
)
from store.parse.quickclean import quick_clean_line

_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# the characters PLAIN_BULLET_RE can start with after its leading whitespace
# (tests/store/test_html_fast_paths.py checks the two agree)
_PLAIN_FIRST = frozenset("-*+•·◦▪▫‣∙–●○■□➤➢►▶✓✔")


@dataclass
class _Node:
    title: str
    number: str | None
    icon: str | None
    level: int
    bullets: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    children: list[_Node] = field(default_factory=list)

    def freeze(self) -> Section:
        if not self.children:  # most sections: no walk needed
            return Section(
                title=self.title,
                number=self.number,
                icon=self.icon,
                bullets=tuple(b for b in self.bullets if b),
                text="\n\n".join(t for t in self.text if t),
                sections=(),
            )
        # children are frozen bottom-up with an explicit stack (no deep recursion)
        order: list[_Node] = []
        stack: list[_Node] = [self]
        while stack:
            n = stack.pop()
            order.append(n)
            stack.extend(n.children)
        frozen: dict[int, Section] = {}
        for n in reversed(order):
            frozen[id(n)] = Section(
                title=n.title,
                number=n.number,
                icon=n.icon,
                bullets=tuple(b for b in n.bullets if b),
                text="\n\n".join(t for t in n.text if t),
                sections=tuple(frozen[id(c)] for c in n.children),
            )
        return frozen[id(self)]


def _depth(number: str | None) -> int:
    return number.count(".") + 1 if number else 1


def parse_sections(lines: list[str]) -> tuple[tuple[Section, ...], list[str]]:
    """Parse detail lines into sections; returns (sections, loose bullets/text before any)."""
    roots: list[_Node] = []
    stack: list[_Node] = []  # current path
    loose: list[str] = []
    para: list[str] = []

    def flush_para() -> None:
        if para:
            txt = quick_clean_line(md_inline(" ".join(para)))
            if stack:
                stack[-1].text.append(txt)
            elif txt:
                loose.append(txt)
            para.clear()

    def open_node(node: _Node) -> None:
        while stack and stack[-1].level >= node.level:
            stack.pop()
        if stack:
            stack[-1].children.append(node)
        else:
            roots.append(node)
        stack.append(node)

    for raw in lines:
        line = raw.rstrip()
        s = line.strip()
        if not s:
            flush_para()
            continue
        indent = len(line) - len(line.lstrip())
        m = _MD_HEADING_RE.match(s) if s[0] == "#" else None
        if m:
            flush_para()
            number, icon, title = parse_numbered_heading(m.group(2))
            level = len(m.group(1)) * 10 + (_depth(number) - 1)
            if number and "." in number and stack:
                level = max(level, stack[0].level + _depth(number) - 1)
            open_node(_Node(title, number, icon, level))
            continue
        # s starts with no whitespace, so each pattern's first character decides
        # whether it can match: most lines are tried against none of them
        first = s[0]
        is_plain_bullet = first in _PLAIN_FIRST and bool(PLAIN_BULLET_RE.match(s))
        digit = first.isdecimal()
        nm = NUMBERED_RE.match(s) if digit and not is_plain_bullet else None
        if (nm and nm.group(2) and indent < 2 and len(s) <= 200) or (digit and KEYCAP_RE.match(s)):
            flush_para()
            number, icon, title = parse_numbered_heading(s)
            base = (
                stack[0].level - 1
                if stack and stack[0].number is None and stack[0].level >= 10
                else 0
            )
            level = base + _depth(number)
            if number and "." in number:
                # attach under the section whose number is the prefix
                parent_no = number.rsplit(".", 1)[0]
                while stack and stack[-1].number != parent_no and stack[-1].level >= level:
                    stack.pop()
            open_node(_Node(title, number, icon, level))
            continue
        bm = BULLET_RE.match(s) if is_plain_bullet or indent >= 2 or nm else None
        if bm:
            flush_para()
            b = quick_clean_line(md_inline(bm.group(1)))
            if not b:
                continue
            if stack:
                stack[-1].bullets.append(b)
            else:
                loose.append(b)
            continue
        para.append(s)
    flush_para()
    return tuple(r.freeze() for r in roots), loose
