"""A chapter of a series saved from a reading site.

Shape: site line, ``About: <series>``, view counters, ``Chapters: N M min read``,
the series blurb, ``N: Chapter title <counter>``, then the chapter text. The
blurb describes the series (kept in ``extra``), the body is the chapter.
"""

from __future__ import annotations

import re

from store.models import ParsedDocument, ParsedEntry
from store.parse.common import (
    CHROME_RE,
    COUNTER_RE,
    derive_key_points,
    paragraphs,
    reading_minutes,
    sentences,
)
from store.text import clean_line

_ABOUT_RE = re.compile(r"^\s*(?:about|series)\s*:\s*(.+)$", re.I)
_CHAPTERS_RE = re.compile(r"^\s*chapters?\s*:\s*(\d{1,5})", re.I)
_MIN_RE = re.compile(r"(\d{1,4}(?:\.\d{1,2})?)\s*min(?:ute)?s?\s+read", re.I)
_HEAD_RE = re.compile(r"^\s*(\d{1,4})\s*[:.]\s+(\S.*?)(?:\s+\d[\d,.]*[kKmM]?)?\s*$")


def parse_chapter(text: str, *, name: str = "") -> ParsedDocument:
    lines = [ln.strip() for ln in text.split("\n")]
    extra: list[tuple[str, str]] = []
    site = series = None
    minutes: float | None = None
    head_i: int | None = None
    blurb: list[str] = []
    first_nonblank = True
    for i, s in enumerate(lines):
        if not s or CHROME_RE.match(s):
            continue
        if head_i is None and _HEAD_RE.match(s) and len(s) < 300:
            head_i = i
            break
        m = _ABOUT_RE.match(s)
        if m:
            series = clean_line(m.group(1))
            first_nonblank = False
            continue
        if COUNTER_RE.match(s):
            continue
        cm = _CHAPTERS_RE.match(s)
        mm = _MIN_RE.search(s)
        if cm or mm:
            if cm:
                extra.append(("chapters", cm.group(1)))
            if mm:
                minutes = float(mm.group(1))
            continue
        if first_nonblank and len(s) <= 60:
            site = clean_line(s)
            first_nonblank = False
            continue
        first_nonblank = False
        blurb.append(s)
    if head_i is None:
        return ParsedDocument(entries=(), kind="chapter")
    hm = _HEAD_RE.match(lines[head_i])
    assert hm is not None
    number, title = hm.group(1), clean_line(hm.group(2))
    paras = [clean_line(p) for p in paragraphs(lines[head_i + 1 :])]
    paras = [p for p in paras if p and not COUNTER_RE.match(p)]
    body = "\n\n".join(paras)
    lead = sentences(body, 5)
    summary = " ".join(lead[:2])
    facts: list[tuple[str, str]] = []
    if site:
        facts.append(("site", site))
    if series:
        facts.append(("series", series))
    facts.extend(extra)
    facts.append(("chapter", number))
    if blurb:
        facts.append(("series_description", clean_line(" ".join(blurb))))
    kps = tuple(clean_line(s) for s in lead[:4]) or derive_key_points((), body)
    return ParsedDocument(
        entries=(
            ParsedEntry(
                title=title,
                summary=summary,
                key_points=kps,
                key_points_derived=True,
                body=body,
                reading_minutes=minutes if minutes is not None else reading_minutes(body),
                extra=tuple(facts),
            ),
        ),
        digest_title=series,
        source_name=site,
        kind="chapter",
    )
