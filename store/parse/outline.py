"""An article's main content (Markdown-ish lines) → summary, sections and body.

Shared by web pages and Markdown articles. The summary is the first real
paragraph: not a heading, a byline, a date, a list item or a navigation strip
("Home | About | Archives"); sections are the content's own headings, nested
by level, each with its paragraphs and bullets.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from store.models import Section
from store.parse.common import (
    BULLET_RE,
    derive_key_points,
    find_date,
    is_date_line,
    md_inline,
    sentences,
)
from store.parse.pageshape import text_units
from store.text import clean_line, safe_url

__all__ = [
    "LINK_LINE_RE",
    "undo_double_escape",
    "ArticleParts",
    "article_key_points",
    "article_parts",
    "is_link_line",
    "is_nav_line",
    "strip_heading_url",
]

# "Link: https://…", "Source: the paper (https://…)", "Link: [the paper](https://…)",
# a bare address: a line that gives an item's address (a sentence with a link does not)
LINK_LINE_RE = re.compile(
    r"^(?:[-*]\s+)?(?:https?://\S+|[^\s:()\[\]]{1,20}(?:\s[^\s:()\[\]]{1,20}){0,2}:\s*"
    r"(?:https?://\S+|[^()\[\]]{0,60}\(https?://[^\s()]+\)|\[[^\]]{0,200}\]\(https?://[^\s()]+\)))$"
)
_HEAD_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TRAILING_URL_RE = re.compile(r"\s*\((https?://[^\s()]{1,2000})\)\s*$")
_NAV_SPLIT_RE = re.compile(r"\s*(?:\||·|•|»|«|/|\]\s*\[|—\s|–\s)\s*")
_BYLINE_RE = re.compile(r"^(?:by|von|par|por|door|di|af|av)\s+\S", re.I)


_LEFTOVER_ENTITY_RE = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,9});")
_KEEP_ENTITIES = frozenset({"lt", "gt"})


def undo_double_escape(s: str) -> str:
    """``Filip&#233;ndula`` → ``Filipéndula``: an entity still in text that was
    already decoded once is a publisher's double escape, and a reader means the
    letter. ``&lt;`` and ``&gt;`` (and what decodes to ``<``/``>``) stay as
    written: they are how pages show markup as text. One pass only."""
    if "&" not in s:
        return s

    def fix(m: re.Match[str]) -> str:
        name = m.group(1)
        if name.lower() in _KEEP_ENTITIES:
            return m.group(0)
        out = html.unescape(m.group(0))
        return m.group(0) if out in ("<", ">") or out == m.group(0) else out

    return _LEFTOVER_ENTITY_RE.sub(fix, s)


def strip_heading_url(line: str) -> tuple[str, str | None]:
    """``## Title (https://…)`` → (``## Title``, url): a linked heading's address
    is the item's link, never part of its title."""
    m = _HEAD_RE.match(line)
    if not m:
        return line, None
    u = _TRAILING_URL_RE.search(m.group(2))
    if not u:
        return line, None
    title = m.group(2)[: u.start()].strip()
    if not title:
        return line, None
    return f"{m.group(1)} {title}", safe_url(u.group(1))


def is_nav_line(s: str) -> bool:
    """A strip of short links ("Home | About | Archives", "[ By date ] [ Random ]")."""
    parts = [p for p in _NAV_SPLIT_RE.split(s.strip(" []")) if p.strip()]
    if len(parts) < 4:
        return False
    return sum(text_units(p) for p in parts) / len(parts) <= 3


@dataclass
class _Sec:
    title: str
    level: int
    text: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    children: list[_Sec] = field(default_factory=list)
    lines: int = 0  # paragraphs and bullets read
    linky: int = 0  # ... of which mostly one link
    prose: int = 0  # words in the others (a real paragraph among links is content)

    def is_link_list(self) -> bool:
        """ "Related", "Recommended", "More from": a block of links, not content."""
        return self.lines >= 2 and self.linky >= 0.6 * self.lines and self.prose < 40


_MD_LINK_RE = re.compile(r"\[([^\]\n]{0,500})\]\([^)\s]{0,2000}\)")


def is_link_line(s: str) -> bool:
    """A paragraph or bullet that is mostly link text (or a bare address).

    Linear: each link is found once (``[label](url)`` by one pattern, the
    ``label (url)`` form of ``html_to_lines`` by its address, the label being
    the words just before it).
    """
    t = s.strip().lstrip("-*+•· ").strip()
    if not t:
        return False
    if t.startswith(("http://", "https://")) and " " not in t:
        return True
    if "](" not in t and "(http" not in t:
        return False
    found = list(_MD_LINK_RE.finditer(t)) if "](" in t else []
    linked = sum(len(m.group(1)) for m in found)
    rest_text = _MD_LINK_RE.sub("", t) if found else t
    links = len(found)
    kept: list[str] = []
    pos = 0
    for m in _PAREN_URL_RE.finditer(rest_text):
        before = rest_text[pos : m.start()]
        cut = max(before.rfind(c) for c in ".,;|:·)]")
        label = before[cut + 1 :] if cut >= 0 else before
        label = label[-120:]
        kept.append(before[: len(before) - len(label)])
        linked += len(label.strip())
        links += 1
        pos = m.end()
    kept.append(rest_text[pos:])
    rest = len("".join(kept).strip(" |·,;[]"))
    # a strip of three or more links ("Next: …, Previous: …, Up: …") is navigation
    return linked > 0 and (linked >= 2 * rest or (links >= 3 and linked >= rest))


_PAREN_URL_RE = re.compile(r"\s*\(https?://[^\s()]{1,2000}\)")


def drop_paren_urls(s: str) -> str:
    """``label (https://…)`` → ``label``: addresses are links, not reading text."""
    return _PAREN_URL_RE.sub("", s) if "(http" in s else s


@dataclass(frozen=True, slots=True)
class ArticleParts:
    summary: str
    sections: tuple[Section, ...]
    body: str
    date: str | None
    first_heading: str | None


def _prune(roots: list[_Sec]) -> list[_Sec]:
    """Drop link-list sections (and their subsections) everywhere in the tree."""
    kept = [r for r in roots if not r.is_link_list()]
    stack = list(kept)
    while stack:
        n = stack.pop()
        n.children = [c for c in n.children if not c.is_link_list()]
        stack.extend(n.children)
    return kept


def _freeze(roots: list[_Sec]) -> tuple[tuple[Section, ...], list[str]]:
    """Sections frozen bottom-up with an explicit stack (pages can hold thousands
    of headings), and their text in document order for the body."""
    order: list[_Sec] = []
    body: list[str] = []
    stack = list(reversed(roots))
    while stack:
        n = stack.pop()
        order.append(n)
        body.append(n.title)
        body.extend(t for t in n.text if t)
        body.extend("- " + b for b in n.bullets if b)
        stack.extend(reversed(n.children))
    done: dict[int, Section] = {}
    for n in reversed(order):
        done[id(n)] = Section(
            title=n.title,
            text="\n\n".join(t for t in n.text if t),
            bullets=tuple(b for b in n.bullets if b),
            sections=tuple(done[id(c)] for c in n.children),
        )
    return tuple(done[id(r)] for r in roots), body


def _same(a: str, b: str | None) -> bool:
    if not b:
        return False
    x, y = a.casefold().strip(" :."), b.casefold().strip(" :.")
    return bool(x) and (x == y or (len(x) >= 8 and y.startswith(x)))


def article_parts(lines: list[str], title: str | None) -> ArticleParts:
    """Read content lines; the title's own heading, date lines, navigation strips
    and link-list sections ("Related", a sidebar's "Recent posts") are not content."""
    roots: list[_Sec] = []
    stack: list[_Sec] = []
    intro: list[str] = []
    date: str | None = None
    first_heading: str | None = None
    para: list[str] = []

    def add(txt: str, linky: bool, bullet: bool) -> None:
        if stack:
            sec = stack[-1]
            (sec.bullets if bullet else sec.text).append(txt)
            sec.lines += 1
            sec.linky += linky
            if not linky:
                sec.prose += text_units(txt)
        elif not linky:
            intro.append("- " + txt if bullet else txt)

    def flush() -> None:
        if not para:
            return
        raw = " ".join(para)
        para.clear()
        txt = clean_line(drop_paren_urls(md_inline(raw, keep_urls=False)))
        if txt:
            add(txt, is_link_line(raw), False)

    for raw in lines:
        s = raw.strip()
        if not s:
            flush()
            continue
        m = _HEAD_RE.match(s)
        if m:
            flush()
            text = strip_heading_url(s)[0][len(m.group(1)) :]
            head = clean_line(md_inline(text, keep_urls=False))
            if not head:
                continue
            if is_date_line(head):
                date = date or find_date(head)
                continue
            if first_heading is None:
                first_heading = head
            if _same(head, title) and not roots:
                continue
            level = len(m.group(1))
            node = _Sec(head, level)
            while stack and stack[-1].level >= level:
                stack.pop()
            (stack[-1].children if stack else roots).append(node)
            stack.append(node)
            continue
        if is_nav_line(md_inline(s, keep_urls=False)):
            continue
        if is_date_line(s) and len(s) < 60:
            date = date or find_date(s)
            continue
        b = BULLET_RE.match(s)
        if b and s[:1] in "-*+•·":
            flush()
            inner = b.group(1).lstrip("#").strip()
            item = clean_line(drop_paren_urls(md_inline(inner, keep_urls=False)))
            if item:
                add(item, is_link_line(inner), True)
            continue
        para.append(s)
    flush()
    sections, sec_body = _freeze(_prune(roots))
    summary = next((p for p in intro if not p.startswith("- ") and _summary_like(p)), "")
    if not summary:
        summary = next(
            (t for sec in _walk(sections) for t in sec.text.split("\n\n") if _summary_like(t)),
            "",
        )
    return ArticleParts(
        summary=summary,
        sections=sections,
        body="\n\n".join([*intro, *sec_body]),
        date=date,
        first_heading=first_heading,
    )


def _walk(sections: tuple[Section, ...]) -> list[Section]:
    out: list[Section] = []
    stack = list(reversed(sections))
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(reversed(n.sections))
    return out


def _summary_like(txt: str) -> bool:
    """A paragraph a reader would take for the gist: real sentences, not a byline."""
    units = text_units(txt)
    if units < 8 or not (txt[0].isalnum() or txt[0] in "\"'“‘«¿¡("):
        return False
    if _BYLINE_RE.match(txt) and units <= 12:
        return False
    letters = sum(ch.isalpha() for ch in txt)
    return letters >= 0.5 * len(txt)


def article_key_points(parts: ArticleParts, limit: int = 5) -> tuple[str, ...]:
    """Key points of an article: the opening sentence of its paragraphs after the
    summary (a writer's topic sentences), in order; headings and link lists are
    not points. Falls back to the shared rule when the article is too short."""
    summary_head = parts.summary[:80]
    out: list[str] = []
    seen: set[str] = set()
    for para in parts.body.split("\n\n"):
        if len(out) >= limit:
            break
        if para.startswith("- ") or para[:80] == summary_head or not _summary_like(para):
            continue
        first = next(iter(sentences(para, 1)), "")
        words = len(first.split())
        if not (6 <= words <= 45) or not first.rstrip("\"'”’)").endswith((".", "!", "?", "。")):
            continue
        key = first.casefold()
        if key not in seen:
            seen.add(key)
            out.append(first)
    if len(out) >= 2:
        return tuple(out)
    return derive_key_points(parts.sections, parts.body)
