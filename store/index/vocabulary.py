"""Vocabulary tags: a ``topics:`` map compiled once, matched on an entry's tokens in one pass.

The map (tag -> words and phrases that imply it) is the ``topics:`` section
of the shipped feeds.yaml (``store.config.default_topics``, the one source),
plus what the user's own ``topics:`` adds (``merge_topics``). The caller
passes it in: nothing here reads a config file. Phrases are matched on whole
tokens of the folded, singularised text (``store.index.tokens``), so case,
accents, plurals, hyphens and spacing ("open source" / "open-source" /
"opensource") do not matter; one occurrence anywhere in the entry's text
gives the tag.

Phrases are chosen to be specific: a bare word that also lives outside tech
("chips" as in fish and chips, "energy" as in a team's energy) either is left
out, or its tag id does not imply itself (``KEY_NOT_A_PHRASE``), or the tag is
broad (``words/broad_tags.txt``), which ``store.index.tagindex`` does not
accept as the *only* reason two entries are related.

Cost: matching is set intersections (text tokens with one-word phrases,
adjacent token pairs with the first two words of longer phrases), so the
per-token work is done in C, never by generating every n-gram of the text.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import compress, islice

from store.config import default_topics
from store.index.evidence import CaseSeq, case_class, cased_tokens
from store.index.salience import is_generic
from store.index.tagids import normalize_tag
from store.index.tokens import raw_tokens, singular
from store.models import short_hash

__all__ = ["KEY_NOT_A_PHRASE", "Vocabulary", "merge_topics", "vocabulary_for"]

# Tag ids that do not imply themselves: "chips" in text is as often fish and chips.
KEY_NOT_A_PHRASE: frozenset[str] = frozenset({"chips", "chip", "meta"})

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

Topics = Mapping[str, Sequence[str]]


Req = tuple[str, ...] | None  # case classes a phrase's tokens need in the text (None: any case)


def _looser(a: Req, b: Req) -> bool:
    """Whether requirement ``a`` accepts more spellings than ``b``."""
    if b is None:
        return False
    if a is None:
        return True
    rank = {"l": 0, "C": 1, "U": 2}
    return sum(rank[c] for c in a) < sum(rank[c] for c in b)


def _fits(need: str, has: str) -> bool:
    """Case class ``has`` of a text token satisfies ``need`` ("U" > "C" > "l")."""
    return need == "l" or has == "U" or (need == "C" and has == "C")


class Vocabulary:
    """A compiled ``topics:`` map: token sequences -> tag ids, matched in one pass.

    A phrase written with capitals matches only text written so: "US",
    "U.S." and "AI" need capitals, "Python" a capital first letter, so the
    pronoun "us" or a python in the garden give no tag; a lowercase phrase
    matches any case.
    """

    key = ""  # vocabulary_for's hash of the topics map: says which map matched a Prepared

    def __init__(self, topics: Topics) -> None:
        # the matcher proper: set intersections of the text's tokens with the
        # one-word phrases, and of its adjacent token pairs with the first two
        # words of the longer phrases, so the per-token work is done in C
        self.single: dict[str, tuple[tuple[str, Req], ...]] = {}
        self.by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[str, Req]]]] = {}
        self.phrases: dict[tuple[str, ...], tuple[tuple[str, Req], ...]] = {}
        self.tags: set[str] = set()
        self.compacts: set[str] = set()  # every phrase's compact form
        self.tag_compacts: set[str] = set()  # every tag id's compact form
        # listed acronyms ("GDPR", "MMLU"): also tags of their own when discovered
        self.acronyms: set[str] = set()
        for raw_tag, phrases in topics.items():
            tag = normalize_tag(str(raw_tag))
            if not tag:
                continue
            self.tags.add(tag)
            self.tag_compacts.add(tag.replace("-", ""))
            # the listed phrases say how a word is written; the tag id (written
            # in lower case) adds only the spellings they do not give. A generic
            # topic's id is no phrase for itself: "data" in "data centres" names
            # something else; only the phrases its vocabulary lists imply it
            no_self = tag in KEY_NOT_A_PHRASE or is_generic(tag)
            own = [] if no_self and phrases else [str(raw_tag)]
            reqs: dict[tuple[str, ...], Req] = {}
            for phrase in [*(str(p) for p in phrases or ()), *own]:
                listed = phrase not in own
                variants = self._variants(phrase)
                first, first_req = variants[0] if variants else ((), None)
                if listed and len(first) == 1 and first_req == ("U",) and len(first[0]) >= 3:
                    self.acronyms.add(first[0])
                for variant, req in variants:
                    if variant not in reqs or listed and _looser(req, reqs[variant]):
                        reqs[variant] = req
            for variant, req in reqs.items():
                self.compacts.add("".join(variant))
                if len(variant) == 1:
                    self.single[variant[0]] = (*self.single.get(variant[0], ()), (tag, req))
                else:
                    self.phrases[variant] = (*self.phrases.get(variant, ()), (tag, req))
        for toks, hits in self.phrases.items():
            for hit in hits:
                self.by_pair.setdefault((toks[0], toks[1]), []).append((toks, hit))
        # the keys as sets: ``set.intersection`` walks the smaller of two sets, but
        # every key of a dict it is given (a tenth of an ingest's main process)
        self._single_keys = frozenset(self.single)
        self._pair_keys = frozenset(self.by_pair)
        self._pair_firsts = frozenset(a for a, _b in self.by_pair)

    @staticmethod
    def _variants(phrase: str) -> list[tuple[tuple[str, ...], Req]]:
        raw = cased_tokens(phrase)
        toks = tuple(singular(t.casefold()) for t in raw)
        if not toks:
            return []
        classes = tuple(map(case_class, raw))
        req: Req = classes if any(c != "l" for c in classes) else None
        out = [(toks, req)]
        if len(toks) > 1:
            # "open source" -> opensource, "U.S." -> US
            compact = (singular("".join(raw_tokens(phrase))),)
            out.append((compact, None if req is None else (case_class("".join(raw)),)))
        camel_raw = cased_tokens(_CAMEL.sub(" ", phrase))
        camel = tuple(singular(t.casefold()) for t in camel_raw)
        if camel != toks:
            # "DeepSeek" -> Deep Seek
            out.append((camel, None if req is None else tuple(map(case_class, camel_raw))))
        return out

    def count(self, toks: Sequence[str], cases: CaseSeq) -> dict[str, int]:
        """Occurrences of each tag's phrases in ``toks`` (case classes ``cases``, aligned)."""
        out: dict[str, int] = {}
        tokset = set(toks)
        if not tokset:
            return out
        n = len(toks)
        index = toks.index
        hits = tokset.intersection(self._single_keys)
        # one pass counts every token; a list.count per hit walked the text each time
        freq = Counter(toks) if len(hits) > 2 else None
        for t in hits:
            for tag, req in self.single[t]:
                if req is None:
                    c = freq[t] if freq is not None else toks.count(t)
                else:
                    c, i, need = 0, -1, req[0]
                    while True:
                        try:
                            i = index(t, i + 1)
                        except ValueError:
                            break
                        c += _fits(need, cases[i])
                if c:
                    out[tag] = out.get(tag, 0) + c
        if n < 2:
            return out
        by_pair = self.by_pair
        # only pairs whose first word starts a phrase: a word's membership is a C
        # pass, a tuple per pair of the text hashed into a set cost twice that
        starts = map(self._pair_firsts.__contains__, toks)
        adjacent = zip(toks, islice(toks, 1, None), strict=False)
        pairs = self._pair_keys.intersection(compress(adjacent, starts))
        for a, b in pairs:
            for phrase, (tag, req) in by_pair[a, b]:
                k, i, c = len(phrase), -1, 0
                letters = all(len(t) == 1 for t in phrase)  # "U.S.", not in "U.S.S.R."
                while True:
                    try:
                        i = index(a, i + 1)
                    except ValueError:
                        break
                    ok = i + k <= n and tuple(toks[i : i + k]) == phrase
                    if ok and letters:
                        ok = not (i + k < n and len(toks[i + k]) == 1) and not (
                            i > 0 and len(toks[i - 1]) == 1
                        )
                    if ok and (req is None or all(_fits(req[j], cases[i + j]) for j in range(k))):
                        c += 1
                if c:
                    out[tag] = out.get(tag, 0) + c
        return out

    def match(self, toks: Sequence[str], cases: CaseSeq | None = None) -> list[str]:
        """Tags whose phrases occur in ``toks`` (any case when ``cases`` is None)."""
        return list(self.count(toks, cases if cases is not None else "U" * len(toks)))


@functools.lru_cache(maxsize=8)
def _compiled(key: str) -> Vocabulary:
    vocab = Vocabulary(_VOCAB_SOURCES[key])
    vocab.key = key
    return vocab


_VOCAB_SOURCES: dict[str, Topics] = {}


def vocabulary_for(topics: Topics | None) -> Vocabulary:
    """Compile (and cache) a topics map; None means the shipped default vocabulary."""
    if topics is None:
        return _shipped()
    key = short_hash(repr(sorted((str(k), tuple(map(str, v or ()))) for k, v in topics.items())))
    _VOCAB_SOURCES.setdefault(key, topics)
    return _compiled(key)


@functools.cache
def _shipped() -> Vocabulary:
    """The shipped vocabulary, keyed once: hashing the map costs 0.4 ms, and
    ``similar.mentions`` asks for it once per entry."""
    return vocabulary_for(default_topics())


def merge_topics(base: Topics, extra: Topics | None) -> dict[str, list[str]]:
    """``base`` with ``extra``'s tags added and its phrases appended (same tag id)."""
    out: dict[str, list[str]] = {k: list(v) for k, v in base.items()}
    if not extra:  # normalising the base's names loads wordfreq (~0.25 s): only for a merge
        return out
    ids = {normalize_tag(k): k for k in out}
    for tag, phrases in (extra or {}).items():
        key = ids.get(normalize_tag(str(tag)), str(tag))
        out.setdefault(key, []).extend(str(p) for p in phrases or ())
    return out
