"""Community posts saved from a forum page: author, relative date, post, replies.

The post ends after its last emoji-numbered section plus the closing
paragraphs up to the first one carrying a link (the usual sign-off), or at the
first paragraph that quotes a line of the post (a reply quoting it), whichever
comes first. Everything after it is replies, kept apart from the post.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from store.models import ParsedDocument, ParsedEntry, Section
from store.parse.common import (
    BULLET_RE,
    CHROME_RE,
    COUNTER_RE,
    KEYCAP_RE,
    URL_RE,
    derive_key_points,
    first_md_link,
    first_sentence,
    parse_numbered_heading,
    reading_minutes,
    split_icon,
)
from store.text import clean_line

_POSTED_RE = re.compile(
    r"^\s*(?P<who>\S.{0,60}?)?\s*(?:posted an update|posted|shared|wrote|commented)\b(?P<rest>.{0,80})$",
    re.I,
)
_AGO_RE = re.compile(
    r"\b(?P<n>\d{1,4}|an?|one)\s+(?P<unit>second|sec|minute|min|hour|hr|day|week|month|year)s?\s+ago\b",
    re.I,
)
_UNIT_SECONDS = {
    "second": 1,
    "sec": 1,
    "minute": 60,
    "min": 60,
    "hour": 3600,
    "hr": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "year": 365 * 86400,
}


def _resolve_ago(s: str, mtime: float | None) -> str | None:
    """``21 days ago`` against the file's mtime (or now) → ISO-8601 (UTC)."""
    base = datetime.fromtimestamp(mtime, tz=UTC) if mtime is not None else datetime.now(tz=UTC)
    low = s.lower()
    if "yesterday" in low:
        return (base - timedelta(days=1)).isoformat(timespec="seconds")
    if "just now" in low or "today" in low:
        return base.isoformat(timespec="seconds")
    m = _AGO_RE.search(s)
    if not m:
        return None
    n = m.group("n").lower()
    count = 1 if n in ("a", "an", "one") else int(n)
    try:
        return (base - timedelta(seconds=count * _UNIT_SECONDS[m.group("unit").lower()])).isoformat(
            timespec="seconds"
        )
    except (OverflowError, ValueError):
        return None


def _is_section_head(s: str) -> bool:
    if KEYCAP_RE.match(s):
        return True
    icon, rest = split_icon(s)
    return bool(icon) and s.rstrip().endswith(":") and len(rest) < 200


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


def parse_post(text: str, *, name: str = "", mtime: float | None = None) -> ParsedDocument:
    raw_lines = text.split("\n")
    author: str | None = None
    published: str | None = None
    start = 0
    prev_nonblank: str | None = None
    for i, ln in enumerate(raw_lines[:60]):
        s = ln.strip()
        if not s:
            continue
        m = _POSTED_RE.match(s)
        if m and (_AGO_RE.search(s) or "posted an update" in s.lower()):
            who = (m.group("who") or "").strip()
            author = clean_line(who or prev_nonblank or "") or None
            published = _resolve_ago(s, mtime)
            start = i + 1
            break
        if not CHROME_RE.match(s) and not COUNTER_RE.match(s):
            prev_nonblank = s
    lines = [ln for ln in raw_lines[start:] if not CHROME_RE.match(ln) and not COUNTER_RE.match(ln)]
    if start == 0:
        # no "posted" line: drop leading chrome only
        pass
    # paragraphs with their kind
    blocks: list[list[str]] = []
    cur: list[str] = []
    for ln in lines:
        if ln.strip():
            cur.append(ln.strip())
        elif cur:
            blocks.append(cur)
            cur = []
    if cur:
        blocks.append(cur)
    if not blocks:
        return ParsedDocument(entries=(), kind="post")

    # split heading lines that start a section from a preceding paragraph line
    last_section = -1
    for bi, blk in enumerate(blocks):
        if any(_is_section_head(x) for x in blk):
            last_section = bi
    end = len(blocks)
    post_lines_norm: set[str] = set()
    search_from = last_section + 1 if last_section >= 0 else 1
    for bi in range(0, len(blocks)):
        if bi >= search_from:
            joined = " ".join(blocks[bi])
            if bi > 0 and len(joined) > 15 and _norm(joined) in post_lines_norm:
                end = bi
                break
            if URL_RE.search(joined) and bi >= search_from:
                end = bi + 1
                break
        for x in blocks[bi]:
            m = BULLET_RE.match(x)
            post_lines_norm.add(_norm(m.group(1) if m else x))
    post_blocks, reply_blocks = blocks[:end], blocks[end:]

    sections: list[Section] = []
    paras: list[str] = []
    cur_sec: dict[str, Any] | None = None
    for blk in post_blocks:
        for x in blk:
            if _is_section_head(x):
                if cur_sec:
                    sections.append(Section(**cur_sec))
                number, icon, title = parse_numbered_heading(x)
                cur_sec = {"title": title, "number": number, "icon": icon, "bullets": ()}
            elif cur_sec is not None and BULLET_RE.match(x):
                b = clean_line(BULLET_RE.match(x).group(1))  # type: ignore[union-attr]
                if b:
                    cur_sec["bullets"] = (*cur_sec["bullets"], b)
            else:
                if cur_sec:
                    sections.append(Section(**cur_sec))
                    cur_sec = None
                paras.append(clean_line(x))
    if cur_sec:
        sections.append(Section(**cur_sec))
    paras = [p for p in paras if p]

    body_parts: list[str] = []
    for blk in post_blocks:
        body_parts.append("\n".join(clean_line(x) for x in blk))
    body = "\n\n".join(p for p in body_parts if p)
    intro = paras[0] if paras else body
    title = first_sentence(intro, 200) or "Post"
    replies = _group_replies(reply_blocks, post_lines_norm)
    secs = tuple(sections)
    return ParsedDocument(
        entries=(
            ParsedEntry(
                title=title,
                author=author,
                link=first_md_link(body),
                published=published,
                summary=intro,
                key_points=derive_key_points(secs, body),
                key_points_derived=True,
                sections=secs,
                body=body,
                replies=replies,
                reading_minutes=reading_minutes(body),
            ),
        ),
        source_name=None,
        kind="post",
    )


def _group_replies(blocks: list[list[str]], post_norm: set[str]) -> tuple[str, ...]:
    """One string per reply: a quoted post line joins the answer under it; a paragraph
    that continues a sentence (starts lower-case, or follows a comma) joins the one before."""
    out: list[str] = []
    pending_quote: str | None = None
    for blk in blocks:
        p = clean_line(" ".join(blk))
        if not p:
            continue
        if _norm(p) in post_norm and len(p) > 15:
            pending_quote = "> " + p
            continue
        if pending_quote:
            out.append(pending_quote + "\n\n" + p)
            pending_quote = None
            continue
        if out and (p[:1].islower() or out[-1].rstrip().endswith((",", ";", ":"))):
            out[-1] = out[-1] + "\n\n" + p
        else:
            out.append(p)
    if pending_quote:
        out.append(pending_quote)
    return tuple(out)
