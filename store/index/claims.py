"""The same point across sources: key points of one story grouped by the claim they state.

Why within a story: two sources saying "62,000" about two different events
state two facts. Points are compared only among the entries of one story
(``store.index.stories``), and only across origins (one source does not
corroborate itself).

Evidence, strongest first:

* a shared figure (``store.index.numbers``: 62,000 / 62k / sixty-two
  thousand, 90 days / three months). A year or a count of one or two says
  nothing; a small count (under ten) needs a shared word too ("nine fires",
  "9 fire incidents"), since "three" is everywhere;
* shared specific words, each weighted by its English rarity and by how few
  of the story's points use it (the story's own name, on every point, tells
  points apart not at all).

Grouping is complete-linkage: a point joins a group only if it is linked to
every point already in it and its entry has no point there yet, so one
point mentioning two figures cannot chain two claims into one. Pairs are
taken best first, ties on (entry id, point index): deterministic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from store.index.numbers import NUMBER_WORDS, figures, is_strong
from store.index.similar import specificity
from store.index.tokens import tokenize
from store.index.wordlists import stop_words

__all__ = ["Point", "group_points"]

LINK = 0.3  # words alone: weighted cosine at least this
FIGURE_BASE = 0.6
SMALL = 10


@dataclass(frozen=True, slots=True)
class Point:
    """One key point: whose it is, where it sits, what it says."""

    entry: str
    origin: str
    index: int
    text: str


def _figures(text: str) -> set[str]:
    return {f for f in figures(text) if is_strong(f)}


def _words(text: str) -> set[str]:
    stop = stop_words()
    return {
        t
        for t in tokenize(text)
        if len(t) > 2 and t not in stop and t not in NUMBER_WORDS and not t[0].isdigit()
    }


def _small(key: str) -> bool:
    kind, _, v = key.partition(":")
    try:
        return kind == "n" and float(v) < SMALL
    except ValueError:
        return False


def group_points(points: Sequence[Point]) -> list[list[Point]]:
    """Groups of points (two origins or more) that state the same claim."""
    if len(points) < 2:
        return []
    figs = [_figures(p.text) for p in points]
    words = [_words(p.text) for p in points]
    df: dict[str, int] = {}
    for ws in words:
        for w in ws:
            df[w] = df.get(w, 0) + 1
    n = len(points)
    weight = {w: specificity(w) * math.log(1 + n / d) for w, d in df.items()}
    norms = [math.sqrt(sum(weight[w] ** 2 for w in ws)) or 1.0 for ws in words]

    def sim(i: int, j: int) -> float:
        shared = words[i] & words[j]
        cos = sum(weight[w] ** 2 for w in shared) / (norms[i] * norms[j])
        common = figs[i] & figs[j]
        strong = [f for f in common if not _small(f) or shared]
        if strong:
            return FIGURE_BASE + cos
        if figs[i] and figs[j] and not common:
            return 0.0  # different figures: different facts, whatever the words
        return cos if cos >= LINK else 0.0

    pairs: list[tuple[float, int, int]] = []
    for i in range(n):
        for j in range(i + 1, n):
            if points[i].origin == points[j].origin:
                continue
            s = sim(i, j)
            if s > 0:
                pairs.append((s, i, j))
    key = [(p.entry, p.index) for p in points]
    pairs.sort(key=lambda x: (-x[0], key[x[1]], key[x[2]]))
    linked = {(i, j) for _s, i, j in pairs} | {(j, i) for _s, i, j in pairs}
    group_of: dict[int, int] = {}
    groups: list[list[int]] = []
    for _s, i, j in pairs:
        gi, gj = group_of.get(i), group_of.get(j)
        if gi is not None and gi == gj:
            continue
        a = groups[gi] if gi is not None else [i]
        b = groups[gj] if gj is not None else [j]
        if {points[x].entry for x in a} & {points[y].entry for y in b}:
            continue
        if not all((x, y) in linked for x in a for y in b):
            continue
        merged = a + b
        for x in (gi, gj):
            if x is not None:
                groups[x] = []
        groups.append(merged)
        for x in merged:
            group_of[x] = len(groups) - 1
    out = []
    for g in groups:
        if len(g) >= 2 and len({points[x].origin for x in g}) >= 2:
            out.append([points[x] for x in sorted(g, key=lambda x: key[x])])
    out.sort(key=lambda g: (g[0].entry, g[0].index))
    return out
