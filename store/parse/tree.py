"""A heading tree shared by the Markdown, Org and HTML parsers, and the rules that
turn it into entries.

Two shapes are recognised: a *digest* (headings that own a "Key Points" child
or line: each such heading is an episode) and a *list of items* (the heading
level with the most distinct, substantial headings: each one is an entry).
Anything else is a single entry. The tree is built and walked with explicit
stacks, never recursion over input depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from store.models import ParsedEntry, Section
from store.parse.common import (
    BULLET_RE,
    DETAILS_RE,
    KEY_POINTS_RE,
    PLAIN_BULLET_RE,
    derive_key_points,
    first_md_link,
    first_sentence,
    md_inline,
    paragraphs,
    parse_numbered_heading,
    reading_minutes,
)
from store.parse.digestly import split_show_title
from store.parse.sections import parse_sections
from store.text import clean_line

_REPLY_HEADS = re.compile(r"^(comments?|replies|discussion|responses)$", re.I)
_SUMMARY_HEADS = re.compile(r"^(tl;?dr|summary|overview|abstract)$", re.I)


@dataclass
class Node:
    title: str
    level: int
    lines: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    link: str | None = None
    parent: Node | None = None

    def walk(self) -> list[Node]:
        out: list[Node] = []
        stack = [self]
        while stack:
            n = stack.pop()
            out.append(n)
            stack.extend(reversed(n.children))
        return out

    def all_lines(self, heading_prefix: str = "#") -> list[str]:
        """Subtree as Markdown-ish lines (headings re-emitted), in document order."""
        out: list[str] = []
        for n in self.walk():
            if n is not self:
                out.append("")
                out.append(heading_prefix * min(n.level, 6) + " " + n.title)
            out.extend(n.lines)
        return out

    def words(self) -> int:
        return sum(len(" ".join(n.lines).split()) for n in self.walk())


def add_heading(root: Node, stack: list[Node], title: str, level: int) -> Node:
    while stack and stack[-1].level >= level:
        stack.pop()
    parent = stack[-1] if stack else root
    node = Node(title=title, level=level, parent=parent)
    parent.children.append(node)
    stack.append(node)
    return node


def _text_of(lines: list[str]) -> str:
    return "\n\n".join(
        clean_line(md_inline(p)) for p in paragraphs(lines) if clean_line(md_inline(p))
    )


def _has_kp(node: Node) -> bool:
    if any(KEY_POINTS_RE.match(c.title) for c in node.children):
        return True
    return any(KEY_POINTS_RE.match(ln) and len(ln) < 80 for ln in node.lines)


def digest_episodes(root: Node, date: str | None) -> list[ParsedEntry]:
    """Episodes = headings owning a Key Points marker."""
    out: list[ParsedEntry] = []
    for n in root.walk():
        if n is root or not _has_kp(n):
            continue
        lines = n.all_lines()
        summary_lines: list[str] = []
        kp: list[str] = []
        details: list[str] = []
        mode = "summary"
        for ln in lines:
            head = re.match(r"^#{1,6}\s+(.*)$", ln.strip())
            probe = head.group(1) if head else ln
            if KEY_POINTS_RE.match(probe) and len(probe) < 80:
                mode = "kp"
                continue
            if DETAILS_RE.match(probe):
                mode = "details"
                continue
            if mode == "summary":
                summary_lines.append(ln)
            elif mode == "kp":
                s = ln.strip()
                if not s:
                    continue
                m = BULLET_RE.match(s)
                if head:
                    mode = "details"
                    details.append(ln)
                    continue
                t = clean_line(md_inline(m.group(1) if m else s))
                if t:
                    kp.append(t)
            else:
                details.append(ln)
        sections, loose = parse_sections(details)
        summary = _text_of(summary_lines)
        show, title = split_show_title(md_inline(n.title, keep_urls=False))
        words = " ".join([summary, *kp, " ".join(details)])
        out.append(
            ParsedEntry(
                title=title or first_sentence(summary) or "Episode",
                show=show,
                link=n.link or first_md_link(n.title),
                published=date,
                summary=summary,
                key_points=tuple(kp),
                sections=sections,
                body="\n\n".join(loose),
                reading_minutes=reading_minutes(words),
            )
        )
    return out


def _item_level(root: Node) -> int | None:
    """Heading level whose headings look like items: distinct titles, real content."""
    by_level: dict[int, list[Node]] = {}
    for n in root.walk():
        if n is not root:
            by_level.setdefault(n.level, []).append(n)
    best: tuple[int, int] | None = None
    for level, nodes in sorted(by_level.items()):
        counts: dict[str, int] = {}
        for n in nodes:
            k = n.title.strip().lower()
            counts[k] = counts.get(k, 0) + 1
        unique = sum(1 for n in nodes if counts[n.title.strip().lower()] == 1 and n.words() >= 15)
        repeated = sum(1 for n in nodes if counts[n.title.strip().lower()] > 1)
        score = unique - repeated
        if unique >= 2 and score >= 2 and (best is None or score >= best[1]):
            best = (level, score)
    return best[0] if best else None


def node_entry(n: Node, date: str | None) -> ParsedEntry:
    """One item heading → entry: summary, key points from its lists, sub-headings as sections."""
    own = n.lines
    summary = ""
    sections: list[Section] = []
    replies: list[str] = []
    for c in n.children:
        ctitle = clean_line(md_inline(c.title, keep_urls=False))
        if _REPLY_HEADS.match(ctitle):
            for r in c.children or [c]:
                txt = _text_of(r.lines)
                if txt:
                    who = clean_line(r.title) if r is not c else ""
                    replies.append(f"{who}: {txt}" if who else txt)
            if c.children and _text_of(c.lines):
                replies.insert(0, _text_of(c.lines))
            continue
        if _SUMMARY_HEADS.match(ctitle) and not summary:
            summary = _text_of(c.lines)
        sec_lines = c.all_lines()
        secs, loose = parse_sections(["# " + c.title, *sec_lines])
        if secs:
            sections.extend(secs)
    bullets = [clean_line(md_inline(m.group(1))) for x in own if (m := PLAIN_BULLET_RE.match(x))]
    prose = [ln for ln in own if not PLAIN_BULLET_RE.match(ln)]
    own_text = _text_of(prose)
    if not summary:
        summary = own_text.split("\n\n", 1)[0] if own_text else ""
    body_parts = [own_text] + ["- " + b for b in bullets if b]
    body = "\n\n".join(p for p in body_parts if p)
    secs_t = tuple(sections)
    kp = tuple(b for b in bullets if b)[:8]
    derived = True
    if not kp:
        kp = derive_key_points(secs_t, summary + "\n\n" + own_text)
    _number, _icon, title = parse_numbered_heading(md_inline(n.title, keep_urls=False))
    title = re.sub(r"\s+[•·|]\s+\d+\s*pts.*$", "", title) or clean_line(n.title) or "Untitled"
    link = n.link or first_md_link(n.title) or first_md_link("\n".join(own))
    all_words = " ".join([summary, body, *(s.text for s in secs_t), *replies])
    return ParsedEntry(
        title=title,
        link=link,
        published=date,
        summary=summary,
        key_points=kp,
        key_points_derived=derived,
        sections=secs_t,
        body=body,
        replies=tuple(replies),
        reading_minutes=reading_minutes(all_words),
    )


def tree_entries(
    root: Node, date: str | None, title: str | None
) -> tuple[list[ParsedEntry], list[str]]:
    """Entries for a non-digest tree, plus overview lines (lists before the first item)."""
    level = _item_level(root)
    overview: list[str] = []
    if level is None:
        whole = Node(title=title or "", level=0, lines=root.all_lines())
        e = _single(whole, date, title)
        return ([e] if e else []), overview
    items = [n for n in root.walk() if n.level == level]
    entries = [node_entry(n, date) for n in items]
    first_item = items[0]
    seen_first = False
    for n in root.walk():
        if n is first_item:
            seen_first = True
        if n is root or n.level >= level:
            if n is root:
                overview.extend(
                    clean_line(md_inline(m.group(1)))
                    for m in (BULLET_RE.match(x.strip()) for x in n.lines)
                    if m and m.group(1).strip()
                )
            continue
        # shallower headings without items below them
        if any(d.level == level for d in n.walk()):
            continue
        if not seen_first:
            overview.extend(
                clean_line(md_inline(m.group(1)))
                for m in (BULLET_RE.match(x.strip()) for x in n.lines)
                if m and m.group(1).strip()
            )
            if not any(BULLET_RE.match(x.strip()) for x in n.lines):
                t = _text_of(n.lines)
                if t:
                    overview.append(t)
        elif n.words():
            entries.append(node_entry(n, date))
    return entries, [o for o in overview if o][:50]


def _single(n: Node, date: str | None, title: str | None) -> ParsedEntry | None:
    lines = n.all_lines()
    text = _text_of([ln for ln in lines if not re.match(r"^#{1,6}\s", ln.strip())])
    if not text and not title:
        return None
    secs, _loose = parse_sections(lines)
    t = title or first_sentence(text, 160) or "Untitled"
    return ParsedEntry(
        title=clean_line(t),
        published=date,
        summary=text.split("\n\n", 1)[0] if text else "",
        key_points=derive_key_points(secs, text),
        key_points_derived=True,
        sections=secs,
        body=text,
        reading_minutes=reading_minutes(text),
        link=first_md_link("\n".join(lines)),
    )
