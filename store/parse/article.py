"""Articles saved as plain text: a title line, paragraphs, headings, numbered
sub-headings and ``- **Label**: text`` bullets.

A heading is recognised by shape, not by name: a short line with no terminal
punctuation that is followed by a paragraph, a numbered sub-heading or bullets.
"""

from __future__ import annotations

import re
from typing import Any

from store.models import ParsedDocument, ParsedEntry, Section
from store.parse.common import (
    BULLET_RE,
    CHROME_RE,
    PLAIN_BULLET_RE,
    derive_key_points,
    md_inline,
    reading_minutes,
)
from store.text import clean_line

_NUM_HEAD_RE = re.compile(r"^\s*(\d{1,3})[.)]\s+(\S.{0,120})$")


def _is_heading(s: str) -> bool:
    s = s.strip()
    return (
        bool(s)
        and len(s) <= 100
        and len(s.split()) <= 12
        and not s.endswith((".", ",", ";", ":", "?", "!"))
    )


def _is_para(s: str) -> bool:
    s = s.strip()
    return len(s) > 100 or (len(s.split()) >= 6 and s.endswith((".", "!", "?", ":", '"', "”")))


def looks_like_article(lines: list[str]) -> bool:
    """Title line, then a paragraph, then at least one heading-shaped line before a paragraph."""
    ne = [ln.strip() for ln in lines if ln.strip() and not CHROME_RE.match(ln)]
    if len(ne) < 4 or not _is_heading(ne[0]) or not _is_para(ne[1]):
        return False
    heads = sum(
        1
        for i in range(2, len(ne) - 1)
        if (_is_heading(ne[i]) or _NUM_HEAD_RE.match(ne[i])) and not PLAIN_BULLET_RE.match(ne[i])
    )
    return heads >= 1


def parse_article(text: str, *, name: str = "") -> ParsedDocument:
    lines = [ln.strip() for ln in text.split("\n") if ln.strip() and not CHROME_RE.match(ln)]
    if not lines:
        return ParsedDocument(entries=(), kind="article")
    title = clean_line(md_inline(lines[0].lstrip("# ")))
    rest = lines[1:]
    intro: list[str] = []
    tops: list[dict[str, Any]] = []
    cur: dict[str, Any] | None = None  # current top section
    sub: dict[str, Any] | None = None  # current numbered sub-section

    def nxt(i: int) -> str:
        return rest[i + 1] if i + 1 < len(rest) else ""

    def _leads_a_list(j: int) -> bool:
        """A short line ending in ':' that introduces bullets ("Three stand out:")."""
        return (
            j < len(rest)
            and rest[j].endswith(":")
            and len(rest[j]) <= 200
            and bool(BULLET_RE.match(nxt(j)))
        )

    for i, s in enumerate(rest):
        nm = _NUM_HEAD_RE.match(s)
        if nm and _is_heading(nm.group(2)) and (_is_para(nxt(i)) or not nxt(i)):
            sub = {
                "title": clean_line(md_inline(nm.group(2))),
                "number": nm.group(1),
                "text": [],
                "bullets": [],
            }
            if cur is None:
                cur = {"title": "", "text": [], "bullets": [], "subs": []}
                tops.append(cur)
            cur["subs"].append(sub)
            continue
        if (
            _is_heading(s)
            and not PLAIN_BULLET_RE.match(s)
            and nxt(i)
            and (
                _is_para(nxt(i))
                or _NUM_HEAD_RE.match(nxt(i))
                or BULLET_RE.match(nxt(i))
                or _leads_a_list(i + 1)
            )
        ):
            cur = {
                "title": clean_line(md_inline(s.lstrip("# "))),
                "text": [],
                "bullets": [],
                "subs": [],
            }
            tops.append(cur)
            sub = None
            continue
        target = sub if sub is not None else cur
        if PLAIN_BULLET_RE.match(s):
            b = clean_line(md_inline(PLAIN_BULLET_RE.match(s).group(1)))  # type: ignore[union-attr]
            if target is None:
                intro.append("- " + b)
            else:
                target["bullets"].append(b)
            continue
        p = clean_line(md_inline(s))
        if target is None:
            intro.append(p)
        else:
            target["text"].append(p)

    sections: list[Section] = []
    for t in tops:
        subs = tuple(
            Section(
                title=x["title"],
                number=x["number"],
                text="\n\n".join(x["text"]),
                bullets=tuple(x["bullets"]),
            )
            for x in t["subs"]
        )
        sections.append(
            Section(
                title=t["title"] or "Notes",
                text="\n\n".join(t["text"]),
                bullets=tuple(t["bullets"]),
                sections=subs,
            )
        )
    summary = intro[0] if intro else ""
    body_parts = list(intro)
    for sec in sections:
        body_parts.append(sec.title)
        if sec.text:
            body_parts.append(sec.text)
        body_parts.extend("- " + b for b in sec.bullets)
        for x in sec.sections:
            body_parts.append(f"{x.number}. {x.title}")
            if x.text:
                body_parts.append(x.text)
    body = "\n\n".join(body_parts)
    secs = tuple(sections)
    return ParsedDocument(
        entries=(
            ParsedEntry(
                title=title,
                summary=summary,
                key_points=derive_key_points(secs, body),
                key_points_derived=True,
                sections=secs,
                body=body,
                reading_minutes=reading_minutes(body),
            ),
        ),
        kind="article",
    )
