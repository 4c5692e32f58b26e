"""Plain-text multi-episode digests ("Digestly" style).

Shape: site line, date, digest title, a "Top Podcast" block of one-liners, then
per episode ``Show - Title``, summary paragraph(s), ``Key Points:`` bullets and
``Details:`` numbered sections. Episodes are found from their ``Key Points``
markers (the one thing every episode has), walking back over the summary to
the heading, so any number of episodes and any headings work.
"""

from __future__ import annotations

import re
from typing import Any

from store.models import ParsedDocument, ParsedEntry, Section
from store.parse.common import (
    BULLET_RE,
    CHROME_RE,
    DETAILS_RE,
    KEY_POINTS_RE,
    NUMBERED_RE,
    find_date,
    first_sentence,
    is_date_line,
    reading_minutes,
    strip_quotes,
)
from store.parse.sections import parse_sections
from store.text import clean_line

_OVERVIEW_HEAD_RE = re.compile(
    r"^\s*(top\s+(podcasts?|episodes?|stories|picks)|in\s+this\s+(digest|issue)|overview|today)\s*:?\s*$",
    re.I,
)
_FIELD_RE = re.compile(r"^\s*(title|date|source|site|digest)\s*:\s*(.*)$", re.I)
_ONE_LINER_RE = re.compile(r"^[^:]{1,80}:\s+\S")
_SHOW_SEP_RE = re.compile(r"\s+[-–—|]\s+")


def split_show_title(h: str) -> tuple[str | None, str]:
    """``Show - “Title”`` → (``Show``, ``Title``); no separator → (None, heading)."""
    h = clean_line(h)
    m = _SHOW_SEP_RE.search(h)
    if m and 0 < m.start() <= 80 and len(h[: m.start()].split()) <= 8:
        show = h[: m.start()].strip()
        title = strip_quotes(h[m.end() :])
        if title:
            return show, title
    return None, strip_quotes(h)


def _is_kp(line: str) -> bool:
    m = KEY_POINTS_RE.match(line)
    return m is not None and len(line.strip()) < 80 + len(m.group(2) or "")


def _heading_like(block: list[str]) -> bool:
    if len(block) != 1:
        return False
    s = block[0].strip()
    if not s or len(s) > 250 or BULLET_RE.match(s) or _is_kp(s) or DETAILS_RE.match(s):
        return False
    return not s.endswith((".", ":")) or bool(_SHOW_SEP_RE.search(s))


def _blocks_before(lines: list[str], k: int, floor: int) -> list[tuple[int, int]]:
    """Blank-separated blocks (start, end) going backwards from line k (exclusive)."""
    out: list[tuple[int, int]] = []
    j = k - 1
    while j >= floor:
        while j >= floor and not lines[j].strip():
            j -= 1
        if j < floor:
            break
        end = j + 1
        while j >= floor and lines[j].strip():
            j -= 1
        out.append((j + 1, end))
    return out


def parse_digestly(text: str, *, name: str = "") -> ParsedDocument:
    lines = [ln for ln in text.split("\n") if not CHROME_RE.match(ln)]
    markers = [i for i, ln in enumerate(lines) if _is_kp(ln)]
    episodes: list[dict[str, Any]] = []
    floor = 0
    for k in markers:
        blocks = _blocks_before(lines, k, floor)
        head: int | None = None
        summary_blocks: list[tuple[int, int]] = []
        for b in blocks:
            blk = lines[b[0] : b[1]]
            first = blk[0].strip()
            if (
                any(
                    BULLET_RE.match(x.strip()) and x.startswith((" ", "\t", "-", "•", "*"))
                    for x in blk
                )
                or DETAILS_RE.match(first)
                or _is_kp(first)
            ):
                break
            if NUMBERED_RE.match(first) and episodes:
                break
            if _FIELD_RE.match(first) or _OVERVIEW_HEAD_RE.match(first):
                break
            if _heading_like(blk):
                head = b[0]
                break
            summary_blocks.append(b)
        if head is None and not summary_blocks and episodes:
            episodes[-1]["extra_markers"].append(k)
            continue
        if head is None and not episodes and summary_blocks:
            # nothing heading-like: the block right above the summary may still be the title
            pass
        start = head if head is not None else (summary_blocks[-1][0] if summary_blocks else k)
        paras = [" ".join(x.strip() for x in lines[a:b]) for a, b in reversed(summary_blocks)]
        episodes.append(
            {"head": head, "start": start, "marker": k, "summary": paras, "extra_markers": []}
        )
        floor = k + 1

    header_end = episodes[0]["start"] if episodes else len(lines)
    doc = _parse_header(lines[:header_end])

    entries: list[ParsedEntry] = []
    for n, ep in enumerate(episodes):
        end = episodes[n + 1]["start"] if n + 1 < len(episodes) else len(lines)
        body_lines = lines[ep["marker"] : end]
        kp_lines: list[str] = []
        detail_lines: list[str] = []
        mode = "kp"
        for ln in body_lines:
            if _is_kp(ln):
                mode = "kp"
                rest = KEY_POINTS_RE.match(ln).group(2).strip()  # type: ignore[union-attr]
                if rest:
                    kp_lines.append(rest)
                continue
            if DETAILS_RE.match(ln):
                mode = "details"
                continue
            (kp_lines if mode == "kp" else detail_lines).append(ln)
        key_points: list[str] = []
        for ln in kp_lines:
            s = ln.strip()
            if not s:
                continue
            m = BULLET_RE.match(s)
            kp = clean_line(m.group(1) if m else s)
            if kp:
                key_points.append(kp)
        sections, loose = parse_sections(detail_lines)
        summary = "\n\n".join(clean_line(p) for p in ep["summary"] if clean_line(p))
        show: str | None
        title: str | None
        if ep["head"] is not None:
            show, title = split_show_title(lines[ep["head"]])
        else:
            show, title = (
                None,
                first_sentence(summary) or (doc["title"] if len(episodes) == 1 else None),
            )
        if not title:
            title = first_sentence(summary) or f"Episode {n + 1}"
        words = " ".join([summary, *key_points, *_section_words(sections), *loose])
        entries.append(
            ParsedEntry(
                title=clean_line(title),
                show=clean_line(show) if show else None,
                published=doc["date"],
                summary=summary,
                key_points=tuple(key_points),
                sections=sections,
                body="\n\n".join(loose),
                reading_minutes=reading_minutes(words),
            )
        )
    return ParsedDocument(
        entries=tuple(entries),
        digest_title=doc["title"],
        digest_date=doc["date"],
        source_name=doc["site"],
        overview=tuple(doc["overview"]),
        kind="digestly",
    )


def _section_words(sections: tuple[Section, ...]) -> list[str]:
    out: list[str] = []
    stack = list(sections)
    while stack:
        s = stack.pop()
        out.append(s.title)
        out.extend(s.bullets)
        out.append(s.text)
        stack.extend(s.sections)
    return out


def _parse_header(lines: list[str]) -> dict[str, Any]:
    """Site, date, digest title and overview one-liners from the lines above episode 1."""
    nonblank = [ln.strip() for ln in lines if ln.strip()]
    site = title = date = None
    overview: list[str] = []
    in_overview = False
    prev_blank = True
    for raw in lines:
        s = raw.strip()
        if not s:
            if in_overview and overview:
                in_overview = False
            prev_blank = True
            continue
        fm = _FIELD_RE.match(s)
        if fm:
            key, val = fm.group(1).lower(), clean_line(fm.group(2))
            if key == "date":
                date = date or find_date(val)
            elif key in ("title", "digest"):
                title = title or val or None
            else:
                site = site or val or None
            continue
        if _OVERVIEW_HEAD_RE.match(s):
            in_overview = True
            continue
        if is_date_line(s):
            date = date or find_date(s)
            continue
        if in_overview or (title and _ONE_LINER_RE.match(s) and not prev_blank):
            overview.append(clean_line(s))
            continue
        if (
            site is None
            and title is None
            and s == nonblank[0]
            and len(s.split()) <= 4
            and len(nonblank) > 1
        ):
            site = clean_line(s)
            continue
        if title is None:
            title = clean_line(s)
            date = date or find_date(s)
            continue
        if _ONE_LINER_RE.match(s):
            overview.append(clean_line(s))
        prev_blank = False
    return {"site": site, "title": title or None, "date": date, "overview": overview}
