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
from collections.abc import Mapping, Sequence

from store.config import default_topics
from store.index.tagids import normalize_tag
from store.index.tokens import raw_tokens, singular, tokenize
from store.models import short_hash

__all__ = ["KEY_NOT_A_PHRASE", "Vocabulary", "merge_topics", "vocabulary_for"]

# Tag ids that do not imply themselves: "chips" in text is as often fish and chips.
KEY_NOT_A_PHRASE: frozenset[str] = frozenset({"chips", "chip", "meta"})

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")

Topics = Mapping[str, Sequence[str]]


class Vocabulary:
    """A compiled ``topics:`` map: token sequences -> tag ids, matched in one pass."""

    key = ""  # vocabulary_for's hash of the topics map: says which map matched a Prepared

    def __init__(self, topics: Topics) -> None:
        # the matcher proper: set intersections of the text's tokens with the
        # one-word phrases, and of its adjacent token pairs with the first two
        # words of the longer phrases, so the per-token work is done in C
        self.single: dict[str, tuple[str, ...]] = {}
        self.by_pair: dict[tuple[str, str], list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
        self.lengths: dict[str, tuple[int, ...]] = {}
        self.phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
        self.tags: set[str] = set()
        self.compacts: set[str] = set()  # every phrase's compact form
        seen: set[tuple[tuple[str, ...], str]] = set()
        for raw_tag, phrases in topics.items():
            tag = normalize_tag(str(raw_tag))
            if not tag:
                continue
            self.tags.add(tag)
            own = [] if tag in KEY_NOT_A_PHRASE and phrases else [str(raw_tag)]
            for phrase in [*own, *(str(p) for p in phrases or ())]:
                for variant in self._variants(phrase):
                    if (variant, tag) in seen:
                        continue
                    seen.add((variant, tag))
                    self.compacts.add("".join(variant))
                    if len(variant) == 1:
                        self.single[variant[0]] = (*self.single.get(variant[0], ()), tag)
                    else:
                        self.phrases[variant] = (*self.phrases.get(variant, ()), tag)
                        lens = {*self.lengths.get(variant[0], ()), len(variant)}
                        self.lengths[variant[0]] = tuple(sorted(lens))
        self._index_pairs()

    @staticmethod
    def _variants(phrase: str) -> list[tuple[str, ...]]:
        toks = tuple(tokenize(phrase))
        if not toks:
            return []
        out = [toks]
        if len(toks) > 1:
            out.append((singular("".join(raw_tokens(phrase))),))  # "open source" -> opensource
        camel = tuple(tokenize(_CAMEL.sub(" ", phrase)))
        if camel != toks:
            out.append(camel)  # "DeepSeek" -> deep seek
        return out

    def _index_pairs(self) -> None:
        for phrase, tags in self.phrases.items():
            self.by_pair.setdefault((phrase[0], phrase[1]), []).append((phrase, tags))

    def match(self, toks: Sequence[str]) -> list[str]:
        """Tags whose phrases occur in ``toks`` (in first-seen order)."""
        tokset = set(toks)
        hits: list[tuple[int, str]] = []
        single = self.single
        index = toks.index
        for t in tokset.intersection(single):  # set algebra in C, not a loop per token
            pos = index(t)
            hits += [(pos, tag) for tag in single[t]]
        if tokset.isdisjoint(self.lengths):
            hits.sort()
            return list(dict.fromkeys(tag for _pos, tag in hits))
        n = len(toks)
        by_pair = self.by_pair
        for a, b in set(zip(toks, toks[1:], strict=False)).intersection(by_pair):
            for phrase, tags in by_pair[a, b]:
                k, i = len(phrase), -1
                while True:  # the first occurrence, for first-seen order
                    try:
                        i = index(a, i + 1)
                    except ValueError:
                        break
                    if i + k <= n and tuple(toks[i : i + k]) == phrase:
                        hits += [(i, tag) for tag in tags]
                        break
        hits.sort()
        return list(dict.fromkeys(tag for _pos, tag in hits))


@functools.lru_cache(maxsize=8)
def _compiled(key: str) -> Vocabulary:
    vocab = Vocabulary(_VOCAB_SOURCES[key])
    vocab.key = key
    return vocab


_VOCAB_SOURCES: dict[str, Topics] = {}


def vocabulary_for(topics: Topics | None) -> Vocabulary:
    """Compile (and cache) a topics map; None means the shipped default vocabulary."""
    topics = default_topics() if topics is None else topics
    key = short_hash(repr(sorted((str(k), tuple(map(str, v or ()))) for k, v in topics.items())))
    _VOCAB_SOURCES.setdefault(key, topics)
    return _compiled(key)


def merge_topics(base: Topics, extra: Topics | None) -> dict[str, list[str]]:
    """``base`` with ``extra``'s tags added and its phrases appended (same tag id)."""
    out: dict[str, list[str]] = {k: list(v) for k, v in base.items()}
    ids = {normalize_tag(k): k for k in out}
    for tag, phrases in (extra or {}).items():
        key = ids.get(normalize_tag(str(tag)), str(tag))
        out.setdefault(key, []).extend(str(p) for p in phrases or ())
    return out
