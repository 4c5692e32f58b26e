"""Which of an entry's possible tags it is *about*: a salience score, a floor and a cap.

Why: matching a vocabulary anywhere in the text gave the DeepSeek episode 25
tags (job, education, security...), and "data", "cost" or "research" to a
review of a comedy. A tag now has to earn its place:

* where its words occur: the title weighs most, then the lead (summary, key
  points), then the details, each field's count capped so a long transcript
  repeating a word does not outweigh a title;
* what kind of tag it is: a recurring name (discovered across sources) or a
  specific keyword of the entry counts more than a vocabulary topic, and a
  generic topic (``GENERIC_TOPICS``: cost, data, research, health...) counts
  only when the entry is about it: in the title, or repeated in the lead, and
  then only as the entry's main subject (``GENERIC_SHARE`` of the best tag; a
  title that says "cheap" or "the price of" names the subject's cost, not
  cost as the subject); its tag id alone is no evidence either
  (``store.index.vocabulary``: "data" in "data centres");
* a floor (``MIN_SCORE``, and a share of the best tag's score) and a cap
  (``MAX_TAGS``; past ``SOFT_CAP`` tags only the strong ones).

Everything here depends on the entry and on static data only (never on the
library's counts), so an entry's tags do not depend on the order of ingest.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from store.index.tagids import normalize_tag
from store.index.wordlists import broad_tags, generic_words

__all__ = [
    "GENERIC_TOPICS",
    "MAX_KEYWORDS",
    "MAX_TAGS",
    "MIN_SCORE",
    "SOFT_CAP",
    "Counts",
    "is_generic",
    "rank",
    "score",
]

MAX_TAGS = 8  # automatic tags an entry gets at most
MAX_KEYWORDS = 3  # of which keywords of the entry's own (store.index.keywords)
SOFT_CAP = 6  # past this many, a tag needs STRONG_SHARE of the best score
MIN_SCORE = 1.5  # a title hit, or a lead hit and more, or a few detail hits
MIN_SHARE = 0.2  # of the best tag's score
SHORT_TEXT = 25  # words of title and lead: a text this short is about all it names
STRONG_SHARE = 0.45
GENERIC_SHARE = 0.8  # a generic topic needs this share of the best tag's score
# weight and cap of each field (title, lead, details)
WEIGHTS = (3.0, 1.5, 0.5)
CAPS = (2, 4, 8)
# kinds of tags, and how much each one's evidence counts
NAME, KEYWORD, TOPIC, GENERIC = "name", "keyword", "topic", "generic"
KIND_WEIGHT = {NAME: 1.3, KEYWORD: 1.0, TOPIC: 1.0, GENERIC: 0.6}
# broad vocabulary topics that still say what an entry is about
_NOT_GENERIC = frozenset({"ai", "united-states", "europe", "china"})

Counts = tuple[int, int, int]  # occurrences in title, lead, details


@functools.cache
def _generic_topics() -> frozenset[str]:
    broad = {normalize_tag(t) for t in broad_tags()}
    return frozenset(
        (broad | {"space", "market", "job", "data", "model", "community"}) - _NOT_GENERIC
    )


GENERIC_TOPICS = _generic_topics


def is_generic(tag: str) -> bool:
    """A topic too broad to tag an entry that merely uses the word."""
    return tag in _generic_topics() or tag in generic_words()


def score(counts: Counts, kind: str, factor: float = 1.0, short: bool = False) -> float:
    """Salience of one tag from where it occurs; 0.0 when a generic topic is only mentioned.

    ``factor`` is the tag's specificity (keywords: ``store.index.keywords``).
    ``short``: the entry's title and lead are a few words ("China solar."),
    so whatever they name is what the entry is about.
    """
    t, lead, d = counts
    if short and (t or lead):
        kind = TOPIC if kind == GENERIC else kind
        counts = (t, lead, d)
        return max(
            MIN_SCORE, sum(w * min(c, cap) for w, c, cap in zip(WEIGHTS, counts, CAPS, strict=True))
        )
    if kind == GENERIC and not (t or lead >= 3):
        return 0.0
    raw = sum(w * min(c, cap) for w, c, cap in zip(WEIGHTS, counts, CAPS, strict=True))
    return raw * KIND_WEIGHT[kind] * factor


def rank(
    given: Iterable[str],
    candidates: Iterable[tuple[str, Counts, str, float]],
    size: int = SHORT_TEXT + 1,
) -> tuple[str, ...]:
    """The entry's tags: ``given`` (a feed's tags) first, then the salient candidates.

    ``candidates`` are (tag id, counts, kind, specificity factor); one tag
    met as several kinds keeps its best score; at most ``MAX_KEYWORDS`` are
    keywords. ``size`` is the number of words in the title and lead. Ties are broken by the tag id, so the result is a pure
    function of the arguments.
    """
    out: dict[str, None] = dict.fromkeys(t for t in given if t)
    best: dict[str, float] = {}
    generic: set[str] = set()
    kinds: dict[str, str] = {}
    for tag, counts, kind, factor in candidates:
        if not tag or tag in out:
            continue
        s = score(counts, kind, factor, short=size <= SHORT_TEXT)
        if s > best.get(tag, 0.0):
            best[tag] = s
            kinds[tag] = kind
            if kind == GENERIC and size > SHORT_TEXT:
                generic.add(tag)
            else:
                generic.discard(tag)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
    if not ranked:
        return tuple(out)
    top = ranked[0][1]
    n_keywords = 0
    for tag, s in ranked:
        if len(out) >= MAX_TAGS:
            break
        if s < MIN_SCORE or s < MIN_SHARE * top:
            break
        if len(out) >= SOFT_CAP and s < STRONG_SHARE * top:
            break
        if tag in generic and s < GENERIC_SHARE * top:
            # a generic topic, even in the title ("The Price of ...", "What the
            # Walkout Costs"): the entry's main subject or nothing
            continue
        if kinds[tag] == KEYWORD:
            if n_keywords >= MAX_KEYWORDS:
                continue
            n_keywords += 1
        out[tag] = None
    return tuple(out)


def kind_of_topic(tag: str) -> str:
    return GENERIC if is_generic(tag) else TOPIC


def merge_counts(*maps: Mapping[str, Counts]) -> dict[str, Counts]:
    """Per-field counts summed over several maps."""
    out: dict[str, Counts] = {}
    for m in maps:
        for tag, c in m.items():
            o = out.get(tag, (0, 0, 0))
            out[tag] = (o[0] + c[0], o[1] + c[1], o[2] + c[2])
    return out
