"""A feed item's summary and key points: what a reader would keep of its text.

Why a module of its own: the HTML step (``html.py``) gives paragraphs and
bullets, the feed step (``feed.py``) has several fields that may carry the
gist (description, ``content:encoded``, ``itunes:subtitle``/``summary``,
``media:description``). Both choose the same way, here: sentences split by
``sentences.split_sentences``, furniture dropped by ``chrome``, duplicates and
the title itself never repeated, timestamps of a show-notes outline removed,
lists of bare links never taken for points.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from store.parse.chrome import fold, is_junk_sentence, is_label, may_hold_junk, strip_timestamp
from store.parse.sentences import split_sentences

__all__ = ["clean_paragraph", "pick_points", "pick_summary", "summary_of", "unrepeated"]

MAX_SUMMARY = 1000
_BAR_RE = re.compile(r"\s+[|¦]\s+")


@lru_cache(maxsize=512)
def _sentences(paragraph: str) -> tuple[str, ...]:
    """Sentences of a paragraph; " | " separates pieces the way a full stop does.

    Cached: the summary and the key points of one item split the same paragraphs.
    """
    out: list[str] = []
    for piece in _BAR_RE.split(paragraph):
        out.extend(split_sentences(piece, 200))
    return tuple(out)


def clean_paragraph(paragraph: str) -> str:
    """The paragraph without its junk sentences (plugs, sponsor reads, chrome, labels)."""
    if not may_hold_junk(paragraph):
        return " ".join(paragraph.split())  # most paragraphs: nothing to drop, no split
    kept = [s for s in _sentences(paragraph) if not is_junk_sentence(s)]
    return " ".join(kept)


def _cap(text: str, max_len: int) -> str:
    if len(text) <= max_len:
        return text
    out = ""
    for s in split_sentences(text, 50):
        if len(out) + len(s) + 1 > max_len:
            break
        out = f"{out} {s}" if out else s
    if out:
        return out
    return text[:max_len].rsplit(" ", 1)[0] + "…"


def summary_of(paragraphs: Iterable[str], title: str = "", max_len: int = MAX_SUMMARY) -> str:
    """The first paragraph that says something once its junk is dropped, or ''.

    A paragraph that is only the title again, a label or a lone timestamp is
    skipped; an item whose text is only its title gets no summary at all.
    """
    t = fold(title)
    for p in paragraphs:
        text = clean_paragraph(strip_timestamp(p))
        if not text or is_label(text):
            continue
        if " " not in text and len(text) < 20:
            continue  # one word ("Time"): no gist
        if len(text) <= 2 * len(title) + 8 and fold(text) in ("", t):
            continue  # the title again
        return _cap(text, max_len)
    return ""


def pick_summary(candidates: Iterable[Callable[[], Sequence[str]]], title: str = "") -> str:
    """The best summary of several fields' paragraphs, tried in the order given.

    Each candidate is a function giving a field's paragraphs, called only when
    needed: the first field with a summary wins, unless that summary is cut
    short ("…") and a later field holds it whole.
    """
    best = ""
    for get in candidates:
        s = summary_of(get(), title)
        if not s:
            continue
        if not best:
            best = s
            if not best.endswith(("…", "...")):
                return best
            continue
        head = fold(best.rstrip(".… "))
        if head and fold(s).startswith(head) and len(s) > len(best):
            return s
    return best


def _point(s: str, sentence: bool) -> str:
    s = strip_timestamp(s).strip()
    if not s or is_junk_sentence(s):
        return ""
    if sentence and len(s.split()) <= 2 and len(s) < 25:
        return ""  # a fragment of prose ("Ep.", "President."); list items may be short
    return s


def pick_points(
    bullets: Sequence[str],
    paragraphs: Sequence[str],
    title: str = "",
    *,
    max_bullets: int = 6,
    max_sentences: int = 3,
) -> tuple[str, ...]:
    """Key points: the item's own list items, else its leading sentences; never junk.

    A timestamped outline gives its topics without the timestamps; a list of
    bare links gives nothing; a point said twice (case and punctuation aside)
    is kept once.
    """
    t = fold(title)
    seen: set[str] = set()
    out: list[str] = []

    def add(s: str, limit: int, sentence: bool = False) -> bool:
        p = _point(s, sentence)
        if not p:
            return False
        f = fold(p)
        if f != t and f not in seen:
            seen.add(f)
            out.append(p)
        return len(out) >= limit

    for b in bullets:
        if add(b, max_bullets):
            break
    if out:
        return tuple(out)
    for para in paragraphs:
        for s in _sentences(para):
            if add(s, max_sentences, True):
                return tuple(out)
    return tuple(out)


def unrepeated(
    summary: str, points: Sequence[str], derived: bool, body: str
) -> tuple[tuple[str, ...], str]:
    """(key points, body) without what only restates the summary.

    A short feed item (one or two sentences) used to show the same sentence as
    summary, as its derived key point and as its body. Points the item wrote
    itself (its own list) stay. When the body says no more than the summary,
    the body goes, and so do derived points that are each in the summary (the
    summary holds it all: nothing the reader or the index needs is lost).
    """
    said = fold(summary)
    told = fold(body)
    if not said or (told and told not in said):
        return tuple(points), body  # the body says more: the points lead into it
    kept = tuple(points)
    if derived and all(fold(p) in said for p in kept):
        kept = ()
    return kept, ""
