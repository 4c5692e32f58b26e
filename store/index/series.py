"""Series words: a keyword one source puts in title after title is its label, not a subject.

Why: a podcast that titles an episode in five "Listener Tales 62" is naming
a recurring segment; "tale" on each of them says nothing about what that
episode is about, and as a tag it would tie every one of them together and
to any other source's "A Tale of Two Cities". The keyword rule that lets a
title word be a tag before a second source has it (``store.index.keywords``,
``own_right``) would otherwise give exactly that tag to every episode.

How: the discovery state (``topics.json``) counts, per origin (source and
show) and keyword, the entries of that origin whose title holds the keyword
(``kwt``: "origin tag" -> [tag, titles, last batch], capped with the other
records). From ``SERIES_MIN`` titles on, the keyword is a series word of
that origin: it is not a tag of that origin's entries (another source's
entries keep it where their own text makes it one), and the entries tagged
with it before are re-tagged (``store.index.topics`` does that through its
usual bounded re-tag). Counted where the batch is merged, so the same
library gives the same tags in whichever order it was ingested.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from store.index.keywords import Keyword

__all__ = ["SERIES_MIN", "count_titles", "is_series"]

SERIES_MIN = 5  # titles of one origin holding a keyword that make it the origin's series word


def _key(origin: str, tag: str) -> str:
    return f"{origin} {tag}"


def count_titles(
    kwt: dict[str, list[Any]], seq: int, seen: Iterable[tuple[str, Mapping[str, Keyword]]]
) -> dict[str, str]:
    """Count each (origin, keywords) entry's title keywords; the pairs that just became series.

    Returns key -> tag for each origin's keyword whose count reached
    ``SERIES_MIN`` in this batch (its older entries are re-tagged).
    """
    became: dict[str, str] = {}
    for origin, kws in seen:
        for tag in sorted(kws):
            if kws[tag][0][0] <= 0:
                continue  # not in this entry's title
            key = _key(origin, tag)
            rec = kwt.get(key)
            if rec is None:
                rec = kwt[key] = [tag, 0, seq]
            rec[1] += 1
            rec[2] = seq
            if rec[1] == SERIES_MIN:
                became[key] = tag
    return became


def is_series(kwt: Mapping[str, list[Any]], origin: str, tag: str) -> bool:
    """Whether ``tag`` is a series word of ``origin`` (see the module docstring)."""
    rec = kwt.get(_key(origin, tag))
    return rec is not None and rec[1] >= SERIES_MIN
