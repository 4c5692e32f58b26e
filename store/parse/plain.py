"""Fallback for text with no recognisable structure: one entry, readable as is."""

from __future__ import annotations

from store.models import ParsedDocument, ParsedEntry
from store.parse.common import (
    CHROME_RE,
    derive_key_points,
    first_sentence,
    paragraphs,
    reading_minutes,
)
from store.text import clean_line


def parse_plain(text: str, *, name: str = "", kind: str = "text") -> ParsedDocument:
    lines = [ln for ln in text.split("\n") if not CHROME_RE.match(ln)]
    paras = [clean_line(p) for p in paragraphs(lines)]
    paras = [p for p in paras if p]
    if not paras:
        return ParsedDocument(entries=(), kind=kind)
    first_line = next((clean_line(ln) for ln in lines if ln.strip()), "")
    if first_line and len(first_line) <= 120 and len(paras) > 1 and paras[0].startswith(first_line):
        title = first_line
    else:
        title = first_sentence(paras[0], 160) or first_line[:160]
        if len(title.split()) < 2 and first_line:
            # "1." or "Q:" is where a sentence splitter stopped, not a title
            title = first_line[:160]
    summary = paras[0] if paras[0] != title else (paras[1] if len(paras) > 1 else "")
    body = "\n\n".join(paras)
    return ParsedDocument(
        entries=(
            ParsedEntry(
                title=title or (name or "Untitled"),
                summary=summary,
                key_points=derive_key_points((), body),
                key_points_derived=True,
                body=body,
                reading_minutes=reading_minutes(body),
            ),
        ),
        kind=kind,
    )
