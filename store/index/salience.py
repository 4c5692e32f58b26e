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
  only when the entry is demonstrably about it. The rule, and why: a writer
  names a piece's subject in its title and then develops it in the lead, so
  a generic topic must be in the title *and* again in the lead
  (``GENERIC_LEAD``); a lead that keeps saying "cost" without the title
  describes a facet ("Getting More From a Small Plot"). It must then be the
  entry's main subject: outscore every specific tag (``GENERIC_SHARE``; broad
  tags such as "ai" do not count as more specific), and no specific tag of
  the title may name a narrower subject ("Changing Jobs Without Losing Your
  Pension" is about the pension; "The Price of Open Weights" about the
  weights). Its tag id alone is no evidence either (``store.index.vocabulary``:
  "data" in "data centres");
* how ordinary a single word is in general English (``wordfreq``): a keyword
  of one common word ("fire", "guide") is never a tag alone, an ordinary one
  ("module", "default") only from the title (``plain_word_ok``), and one
  passing mention of an ordinary word in the lead ("a sports scientist") is
  no tag of any kind; phrases, new names and acronyms are specific enough;
* a floor (``MIN_SCORE``, and a share of the best tag's score) and a cap
  (``MAX_TAGS``; past ``SOFT_CAP`` tags only the strong ones).

Everything here depends on the entry and on static data only (never on the
library's counts), so an entry's tags do not depend on the order of ingest.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

from store.index.specificity import COMMON_ZIPF, zipf
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
GENERIC_SHARE = 1.0  # a generic topic must outscore every specific tag: nothing explains more
GENERIC_LEAD = 2  # ...named in the title and this often in the lead
ORDINARY_ZIPF = 3.5  # a one-word keyword this common must be in the title (``plain_word_ok``)
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


def is_broad(tag: str) -> bool:
    """A generic topic or one of the broad tags (``words/broad_tags.txt``: ai, europe...)."""
    return is_generic(tag) or tag in _broad()


@functools.cache
def _broad() -> frozenset[str]:
    return frozenset(normalize_tag(t) for t in broad_tags())


def score(
    counts: Counts, kind: str, factor: float = 1.0, short: bool = False, tag: str = ""
) -> float:
    """Salience of one tag from where it occurs; 0.0 when it is only mentioned.

    ``factor`` is the tag's specificity (keywords: ``store.index.keywords``).
    ``short``: the entry's title and lead are a few words ("China solar."),
    so whatever they name is what the entry is about. ``tag`` (the id) lets a
    keyword that is one ordinary English word be judged (``plain_word_ok``).
    """
    t, lead, d = counts
    if short and (t or lead):
        kind = TOPIC if kind == GENERIC else kind
        counts = (t, lead, d)
        return max(
            MIN_SCORE, sum(w * min(c, cap) for w, c, cap in zip(WEIGHTS, counts, CAPS, strict=True))
        )
    if kind == GENERIC and not (t and lead >= GENERIC_LEAD):
        return 0.0
    if kind == KEYWORD and tag and not plain_word_ok(tag, t):
        return 0.0
    if counts == (0, 1, 0) and tag and "-" not in tag and zipf(tag) >= ORDINARY_ZIPF:
        # one passing mention of an ordinary word ("a sports scientist",
        # "tracking" patterns, "the Federation" of a longer name): a phrase, a
        # new name or an acronym ("GDPR") names a subject once, an everyday word does not
        return 0.0
    raw = sum(w * min(c, cap) for w, c, cap in zip(WEIGHTS, counts, CAPS, strict=True))
    return raw * KIND_WEIGHT[kind] * factor


def plain_word_ok(tag: str, in_title: int) -> bool:
    """Whether a keyword of one word may be a tag: not a common word, an ordinary one in the title.

    A keyword is found by counting, so an everyday word an entry keeps using
    ("fire", "default", "module", "guide") passes its count without being the
    subject. General-English frequency says how ordinary the word is: a common
    one (``COMMON_ZIPF`` and up: "fire", "guide") never tags alone, and an
    ordinary one (``ORDINARY_ZIPF`` and up: "module", "pension", "marathon")
    only when the writer puts it in the title; rarer words ("workbench",
    "endgame", "serac") name a subject wherever they are repeated. Phrases
    ("battery-recall") are specific by construction and are not judged here.
    """
    if "-" in tag:
        return True
    z = zipf(tag)
    if z >= COMMON_ZIPF:
        return False
    return z < ORDINARY_ZIPF or in_title > 0


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
    # a specific tag the title names ("Pension", "Ridgeline"): the title's subject
    titled = False
    for tag, counts, kind, factor in candidates:
        if not tag or tag in out:
            continue
        s = score(counts, kind, factor, short=size <= SHORT_TEXT, tag=tag)
        if counts[0] and s >= MIN_SCORE and kind != GENERIC and not is_broad(tag):
            titled = True
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
    # the best tag that is neither generic nor broad: what a generic topic must beat
    top_specific = max((v for t, v in ranked if not is_broad(t)), default=0.0)
    n_keywords = 0
    for tag, s in ranked:
        if len(out) >= MAX_TAGS:
            break
        if s < MIN_SCORE or s < MIN_SHARE * top:
            break
        if len(out) >= SOFT_CAP and s < STRONG_SHARE * top:
            break
        if tag in generic and (titled or s < GENERIC_SHARE * top_specific):
            # a generic topic, even in the title ("The Price of ...", "What the
            # Walkout Costs"): the entry's main subject or nothing; a more
            # specific tag that scores higher is what the entry is about, and
            # the generic word one facet of it ("the cost of a kiln"); so is a
            # specific tag of the title ("Changing Jobs Without Losing Your
            # Pension" is about the pension)
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
