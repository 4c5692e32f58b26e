"""Markdown digests: ``#`` digest title (date in it or in front matter), ``##``
episodes with ``### Key Points`` / ``### Details`` / ``####`` sections, and any
other Markdown (lists of items such as Hacker News digests, or one article).
"""

from __future__ import annotations

import re

from store.models import ParsedDocument
from store.parse.common import BULLET_RE, find_date, md_inline
from store.parse.digestly import split_show_title
from store.parse.frontmatter import read_front_matter
from store.parse.tree import Node, add_heading, digest_episodes, tree_entries
from store.text import clean_line

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE_RE = re.compile(r"^\s*(```|~~~)")


def build_md_tree(lines: list[str]) -> Node:
    root = Node(title="", level=0)
    stack: list[Node] = []
    in_fence = False
    for ln in lines:
        if _FENCE_RE.match(ln):
            in_fence = not in_fence
            (stack[-1] if stack else root).lines.append(ln)
            continue
        m = None if in_fence else _HEADING_RE.match(ln)
        if m:
            add_heading(root, stack, m.group(2), len(m.group(1)))
        elif ln.strip() in ("---", "***", "___"):
            (stack[-1] if stack else root).lines.append("")
        else:
            (stack[-1] if stack else root).lines.append(ln)
    return root


def parse_markdown(text: str, *, name: str = "") -> ParsedDocument:
    lines = text.split("\n")
    fm = read_front_matter(lines)
    meta = {k: fm.text(k) or "" for k in fm.fields}
    root = build_md_tree(lines[fm.end :])
    digest_title = meta.get("title")
    h1s = [c for c in root.children if c.level == 1]
    if len(h1s) == 1:
        # the single H1 is the digest title; its children become top level
        h1 = h1s[0]
        digest_title = digest_title or clean_line(md_inline(h1.title, keep_urls=False))
        root.lines.extend(h1.lines)
        idx = root.children.index(h1)
        root.children[idx : idx + 1] = h1.children
        for c in h1.children:
            c.parent = root
    date = find_date(meta.get("date", "")) or (find_date(digest_title) if digest_title else None)
    source = meta.get("source") or meta.get("site") or meta.get("publication")
    episodes = digest_episodes(root, date)
    if episodes:
        overview = _overview_lines(root)
        return ParsedDocument(
            entries=tuple(episodes),
            digest_title=clean_line(digest_title) if digest_title else None,
            digest_date=date,
            source_name=clean_line(source) if source else None,
            overview=tuple(overview),
            kind="markdown",
        )
    if fm.fields.get("title") and not _linked_items(root):
        from store.parse.mdarticle import front_matter_article

        return front_matter_article(lines[fm.end :], fm, name=name)
    entries, overview = tree_entries(root, date, clean_line(digest_title) if digest_title else None)
    return ParsedDocument(
        entries=tuple(entries),
        digest_title=clean_line(digest_title) if digest_title else None,
        digest_date=date,
        source_name=clean_line(source) if source else None,
        overview=tuple(overview),
        kind="markdown",
    )


def _linked_items(root: Node) -> bool:
    """Three or more headings that are links, give an address in their first
    lines (``Link: https://…``) or name a show (``Show — Title``): a list of
    items or a digest, not one article."""
    from store.parse.outline import LINK_LINE_RE

    def linked(n: Node) -> bool:
        head = [ln.strip() for ln in n.lines if ln.strip()][:3]
        return "](" in n.title or any(LINK_LINE_RE.match(ln) for ln in head)

    nodes = [n for n in root.walk() if n is not root]
    if sum(1 for n in nodes if linked(n)) >= 3:
        return True
    # "## Show — Episode title" headings: a digest's entries, not an article's sections
    by_level: dict[int, list[bool]] = {}
    for n in nodes:
        show, _title = split_show_title(md_inline(n.title, keep_urls=False))
        by_level.setdefault(n.level, []).append(show is not None)
    return any(sum(f) >= 3 and sum(f) >= 0.6 * len(f) for f in by_level.values())


def _overview_lines(root: Node) -> list[str]:
    out = []
    for ln in root.lines:
        s = ln.strip()
        m = BULLET_RE.match(s)
        if m and m.group(1):
            out.append(clean_line(md_inline(m.group(1))))
        elif re.match(r"^[^:]{1,80}:\s+\S", s):
            out.append(clean_line(md_inline(s)))
    return [o for o in out if o]
