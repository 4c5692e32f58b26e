"""Org-mode digests: ``#+TITLE`` / ``#+DATE``, ``*`` headings (tags stripped),
``:PROPERTIES:`` drawers (``:URL:`` becomes the link), bodies as text.
"""

from __future__ import annotations

import re

from store.models import ParsedDocument
from store.parse.common import find_date
from store.parse.tree import Node, add_heading, digest_episodes, tree_entries
from store.text import clean_line, safe_url

_HEAD_RE = re.compile(r"^(\*{1,30})\s+(.*?)(?:\s+(:[\w@#%:-]+:))?\s*$")
_KW_RE = re.compile(r"^#\+(\w+):\s*(.*)$")
_PROP_RE = re.compile(r"^\s*:([\w-]+):\s*(.*)$")
_ORG_LINK_RE = re.compile(r"\[\[([^\]]{1,2000})\](?:\[([^\]]{0,500})\])?\]")


def _org_inline(s: str) -> str:
    def link(m: re.Match[str]) -> str:
        url, text = m.group(1), m.group(2)
        u = safe_url(url)
        if text and u:
            return f"[{text}]({u})"
        return text or (u or "")

    return _ORG_LINK_RE.sub(link, s) if "[[" in s else s


def parse_org(text: str, *, name: str = "") -> ParsedDocument:
    root = Node(title="", level=0)
    stack: list[Node] = []
    meta: dict[str, str] = {}
    in_drawer = False
    in_block = False
    for ln in text.split("\n"):
        s = ln.strip()
        cur = stack[-1] if stack else root
        if in_drawer:
            if s.upper() == ":END:":
                in_drawer = False
                continue
            pm = _PROP_RE.match(s)
            if pm and pm.group(1).upper() == "URL" and cur.link is None:
                cur.link = safe_url(pm.group(2))
            continue
        if s.upper().startswith("#+BEGIN_"):
            in_block = True
            continue
        if s.upper().startswith("#+END_"):
            in_block = False
            continue
        km = _KW_RE.match(s) if not in_block else None
        if km:
            meta[km.group(1).lower()] = km.group(2).strip()
            continue
        hm = _HEAD_RE.match(ln) if not in_block else None
        if hm:
            add_heading(root, stack, _org_inline(hm.group(2)), len(hm.group(1)))
            continue
        if s.startswith(":") and s.endswith(":") and len(s) > 2 and " " not in s:
            in_drawer = True
            continue
        cur.lines.append(_org_inline(ln))
    title = clean_line(meta["title"]) if meta.get("title") else None
    date = find_date(meta.get("date", "")) or (find_date(title) if title else None)
    episodes = digest_episodes(root, date)
    overview: list[str]
    if episodes:
        entries, overview = episodes, []
    else:
        entries, overview = tree_entries(root, date, title)
    return ParsedDocument(
        entries=tuple(entries),
        digest_title=title,
        digest_date=date,
        source_name=clean_line(meta["source"])
        if meta.get("source") and not safe_url(meta["source"])
        else None,
        overview=tuple(overview),
        kind="org",
    )
