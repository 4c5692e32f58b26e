"""Automatic tags: vocabulary topics plus topics discovered across sources.

Tag ids (``normalize_tag``)
    Lowercase, accents folded, words joined by hyphens ("open-source",
    "mental-health"), the last word made singular ("LLMs" -> "llm"). A name
    that is one word but often written as two ("Deep Seek", "Open AI") is
    spelled as one ("deepseek", "openai") when its compact form is a known
    compound (``store.index.vocabulary.KNOWN_COMPOUNDS`` or a one-word vocabulary
    phrase). Chrome, stop words, numbers and dates normalise to "" (no tag).
    Ids are a pure function of the text, so a tag the user removed from an
    entry matches the one re-tagging produces: it stays removed.

Vocabulary (``topics:`` of feeds.yaml, else ``store.index.vocabulary.DEFAULT_TOPICS``)
    Phrases matched on whole tokens of the folded, singularised text, so case,
    accents, plurals, hyphens and spacing ("open source" / "open-source" /
    "opensource") do not matter. One occurrence anywhere in title, summary,
    key points, sections or body gives the tag.

Discovery: recurring *names*, accepted by document frequency (no library).
    Candidates come only from strong signals in the *salient* text (title,
    summary, key points; the body's lede when there is neither summary nor
    key points): runs of capitalised, camel-case or all-caps words ("Richard
    Reeves", "DeepSeek", "MMLU"), minus sentence-initial common words; in a
    title-cased heading only camel case and acronyms. Lowercase word pairs
    are not candidates: on a small vocabulary nearly every pair recurs across
    sources, which once gave 39,305 topics and 604 tags per entry.
    A candidate becomes a topic once seen in entries of at least two
    *origins* (origin = source name + show, so two shows inside one digest
    count apart). A topic is applied to an entry (anywhere in its text) only
    while its document frequency stays under a ceiling (``DF_SHARE`` of the
    library once it holds ``DF_MIN_LIBRARY`` entries: a name on 3% of all
    entries tells nothing apart), and an entry gets at most ``MAX_DISCOVERED``
    discovered topics, rarest first. Vocabulary tags are always kept.
    That is TF-IDF's "DF" used as an acceptance test, plus its "IDF" as the
    ranking; ``store.index.tagindex`` applies IDF again to rank related entries.
    Why not YAKE / KeyBERT / RAKE libraries: none is a dependency here, model
    weights are out of place in a terminal app, and per-document keyword
    scores say nothing about recurrence across sources, which is the point of
    a cross-topic tag; a DF count is incremental by nature (one counter update
    per new entry), the per-document extractors are not.

Cost (what keeps tagging at a few hundred microseconds per entry)
    Text is tokenised once (an ASCII fast path replaces the token regex) and
    shared with the word index; per-phrase work (``normalize_tag``, junk and
    name checks, folding a word) is memoised; the vocabulary is matched by set
    intersections (text tokens with one-word phrases, adjacent token pairs
    with the first two words of longer phrases), and active topics by a dict
    keyed on the token their spellings start with, never by generating every
    n-gram of the text.

Incremental state (side file ``topics.json``, read-modify-written under the
library lock): ``active`` compact-key -> [tag, df, last batch, first tokens]
and ``pending`` compact-key -> [tag, origin, last batch] for candidates seen
in one origin so far. Both are capped (``MAX_ACTIVE``, ``MAX_PENDING``: the
least recently seen go first), so the file stays small whatever the library
size. When a pending candidate is seen in a second origin it becomes active;
its document frequency is read from the word index (``store.index.wordindex``, no
bodies loaded) and, if under the ceiling, at most ``MAX_RETAG`` of the newest
older entries containing it are re-tagged with ``Library.set_auto_tags``
(index rows only). Ingest of a batch therefore costs O(batch text + state
size), never O(library).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from store.index.vocabulary import (
    CHROME,
    DEFAULT_TOPICS,
    GENERIC_WORDS,
    KEY_NOT_A_PHRASE,
    KNOWN_COMPOUNDS,
    MONTHS_AND_DAYS,
    STOP_WORDS,
)
from store.models import Entry, Section, short_hash
from store.storage.library import Library

__all__ = [
    "Vocabulary",
    "discover_candidates",
    "entry_text",
    "fold",
    "merge_topics",
    "normalize_tag",
    "prepare",
    "Prepared",
    "retag_library",
    "singular",
    "tag_entries",
    "tokens",
    "vocabulary_for",
]

STATE_NAME = "topics.json"
STATE_VERSION = 2
MAX_PHRASE_TOKENS = 4
MAX_TAG_CHARS = 60
# discovery bounds (see the module doc)
MAX_DISCOVERED = 8  # discovered tags per entry, rarest first
DF_SHARE = 0.03  # a discovered topic on more than 3% of entries is not applied...
DF_MIN_LIBRARY = 200  # ...once the library has this many entries
MAX_RETAG = 100  # older entries re-tagged when one topic activates
MAX_PENDING = 20_000  # single-origin candidates kept (most recently seen)
MAX_ACTIVE = 20_000  # active topics kept (most recently seen)
LEDE_CHARS = 1000  # body text read for discovery when there is no summary

# --------------------------------------------------------------------------
# text folding and tokens
# --------------------------------------------------------------------------

_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")
_APOSTROPHE = re.compile(r"(?<=\w)['\u2019](?=\w)")
# a token: a decimal number (3.5) or a run of letters/digits, with C++ / C#
_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+(?:\+\+|#)?")
_NUMBERISH = re.compile(r"[\d.,]+(?:st|nd|rd|th|s|k|m|x|bn|b|%)?")

# plurals that are not (or whose singular is a different word)
_PLURAL_KEEP = frozenset(
    [
        "news",
        "series",
        "species",
        "bias",
        "alias",
        "atlas",
        "canvas",
        "chaos",
        "ethos",
        "kudos",
        "lens",
        "means",
        "analysis",
        "thesis",
        "basis",
        "crisis",
        "diagnosis",
        "synopsis",
        "hypothesis",
        "physics",
        "ethics",
        "economics",
        "politics",
        "robotics",
        "genomics",
        "analytics",
        "mathematics",
        "statistics",
        "logistics",
        "graphics",
        "semantics",
        "linguistics",
        "athletics",
        "olympics",
        "always",
        "perhaps",
        "whereas",
        "bonus",
        "virus",
        "status",
        "campus",
        "census",
        "corpus",
        "focus",
        "genius",
        "radius",
        "stimulus",
        "consensus",
        "nexus",
        "sales",
        "thus",
        "plus",
        "minus",
        "octopus",
        "cactus",
        "fungus",
        "chorus",
        "circus",
        "citrus",
        "lotus",
        "apparatus",
        "impetus",
        "syllabus",
        "tinnitus",
        "uterus",
        "walrus",
        "abacus",
        "exodus",
        "sinus",
        "onus",
        "opus",
        "mucus",
        "humus",
        "versus",
        "bogus",
    ]
)
_IES_KEEP = frozenset(
    [
        "movies",
        "cookies",
        "zombies",
        "calories",
        "selfies",
        "rookies",
        "goalies",
        "smoothies",
        "brownies",
        "hippies",
        "lies",
        "ties",
        "dies",
        "pies",
    ]
)
# multi-word ids whose last word must stay plural
_KEEP_PHRASES = frozenset({"united-states", "united-nations", "united-arab-emirates"})


def fold(text: str) -> str:
    """Casefold, drop accents and apostrophes ("DeepSeek's" -> "deepseek")."""
    if "'" in text or "\u2019" in text:  # most text has none: skip two regex passes
        text = _POSSESSIVE.sub("", text)
        text = _APOSTROPHE.sub("", text)
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text.casefold()


@functools.lru_cache(maxsize=200_000)
def singular(tok: str) -> str:
    """A light, deterministic singular: consistency matters more than grammar."""
    n = len(tok)
    if n <= 3 or tok in _PLURAL_KEEP or not tok.endswith("s"):
        return tok
    if not tok.isalpha():
        # H100s -> h100; other mixed tokens stay as they are
        return tok[:-1] if tok[-2].isdigit() else tok
    if tok.endswith("ies"):
        return tok if tok in _IES_KEEP or n <= 4 else tok[:-3] + "y"
    if tok.endswith("sses"):
        return tok[:-2]
    if tok.endswith(("ches", "shes", "xes", "zzes")):
        return tok[:-2]
    if tok.endswith(("ss", "is", "ous", "ics")):
        return tok
    return tok[:-1]


# ASCII bytes that are not [a-z0-9] become spaces (folded text has no A-Z)
_ASCII_SEP = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))
_DECIMALS = tuple(f".{d}" for d in range(10))


def _attached_suffix(f: str) -> bool:
    """Whether a word carries "++" or "#" (C++, C#), which ``_TOKEN`` keeps."""
    for ch in "#+":
        i = f.find(ch)
        while i > 0:
            if f[i - 1].isalnum():
                return True
            i = f.find(ch, i + 1)
    return False


def _split_folded(f: str) -> list[str]:
    """``_TOKEN.findall`` of folded text; plain ASCII text takes a 4x faster path.

    ``bytes.translate`` + ``split`` gives the same tokens as the regex when
    there is no decimal number and no C++/C# suffix (checked with substring
    tests, which are C-speed), which is nearly all feed text.
    """
    if f.isascii() and not any(d in f for d in _DECIMALS) and not _attached_suffix(f):
        return f.encode("ascii").translate(_ASCII_SEP).decode("ascii").split()
    return _TOKEN.findall(f)


def tokens(text: str) -> list[str]:
    """Folded, singular word tokens: the unit of matching, search and tags."""
    return list(map(singular, _split_folded(fold(text))))


def _raw_tokens(text: str) -> list[str]:
    return _split_folded(fold(text))


# --------------------------------------------------------------------------
# normalize_tag
# --------------------------------------------------------------------------


def _is_junk(raw: list[str]) -> bool:
    """Chrome, stop words, numbers, dates and single letters are never tags."""
    if not raw:
        return True
    phrase = " ".join(raw)
    sing = " ".join([*raw[:-1], singular(raw[-1])])
    if phrase in CHROME or sing in CHROME or "".join(raw) in CHROME:
        return True
    if len(phrase) > MAX_TAG_CHARS:
        return True
    if all(t in STOP_WORDS or _NUMBERISH.fullmatch(t) for t in raw):
        return True
    if all(t in MONTHS_AND_DAYS or _NUMBERISH.fullmatch(t) for t in raw):
        return True
    return len(raw) == 1 and len(raw[0]) == 1


@functools.lru_cache(maxsize=65_536)
def normalize_tag(s: str) -> str:
    """The canonical tag id for any spelling; "" for junk or chrome.

    Memoised: the same spellings come back with every entry (feed categories,
    vocabulary hits, discovered names), and the id is a pure function of ``s``.

    "Open Source", "open-source", "open_source" -> "open-source";
    "Deep Seek", "DeepSeek", "deepseek" -> "deepseek"; "LLMs" -> "llm".
    """
    if not s:
        return ""
    raw = _raw_tokens(s[:200])
    if _is_junk(raw):
        return ""
    compact = "".join(raw)
    for c in (compact, compact[:-1] if compact.endswith("s") else ""):
        if c and c in KNOWN_COMPOUNDS:
            return c
    last = raw[-1]
    hyph = "-".join(raw)
    if hyph in _KEEP_PHRASES:
        return hyph
    return "-".join([*raw[:-1], singular(last)])


def compact_key(tag_or_phrase: str) -> str:
    """Spacing/hyphen-blind key: "open-source" and "opensource" are one."""
    return "".join(tokens(tag_or_phrase))


# --------------------------------------------------------------------------
# entry text
# --------------------------------------------------------------------------


def _section_parts(sections: Iterable[Section]) -> Iterator[str]:
    for s in sections:
        yield s.title
        yield from s.bullets
        if s.text:
            yield s.text
        yield from _section_parts(s.sections)


def entry_text(e: Entry) -> str:
    """What tagging and search read: title, summary, key points, sections, body.

    Replies are left out: they are other people's comments, often off-topic.
    """
    body = e.body
    parts = [e.summary, *e.key_points, *_section_parts(e.sections)]
    if body:
        # A feed item's body is its whole flattened text, structure included:
        # reading those parts twice doubled tokenising and hashing and added
        # nothing (the index keeps sets).
        parts = [p for p in parts if p and not _has_words(body, p)]
    return "\n".join(p for p in (e.title, *parts, body) if p)


def _has_words(text: str, part: str) -> bool:
    """``part`` occurs in ``text`` as whole words ("LLM" is not in "LLMOps")."""
    i = text.find(part)
    while i >= 0:
        j = i + len(part)
        if (i == 0 or not text[i - 1].isalnum()) and (j == len(text) or not text[j].isalnum()):
            return True
        i = text.find(part, i + 1)
    return False


# --------------------------------------------------------------------------
# vocabulary matching
# --------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


class Vocabulary:
    """A compiled ``topics:`` map: token sequences -> tag ids, matched in one pass."""

    key = ""  # vocabulary_for's hash of the topics map: says which map matched a Prepared

    def __init__(self, topics: Mapping[str, Sequence[str]]) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
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
                    self.by_first.setdefault(variant[0], []).append((variant, tag))
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
        toks = tuple(tokens(phrase))
        if not toks:
            return []
        out = [toks]
        if len(toks) > 1:
            out.append((singular("".join(_raw_tokens(phrase))),))  # "open source" -> opensource
        camel = tuple(tokens(_CAMEL.sub(" ", phrase)))
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


_VOCAB_SOURCES: dict[str, Mapping[str, Sequence[str]]] = {}


def vocabulary_for(topics: Mapping[str, Sequence[str]] | None) -> Vocabulary:
    """Compile (and cache) a topics map; None means DEFAULT_TOPICS."""
    topics = DEFAULT_TOPICS if topics is None else topics
    key = short_hash(repr(sorted((str(k), tuple(map(str, v or ()))) for k, v in topics.items())))
    _VOCAB_SOURCES.setdefault(key, topics)
    vocab = _compiled(key)
    # one-word vocabulary phrases that are often split ("Hugging Face") join ids too
    return vocab


def _configured_topics() -> Mapping[str, Sequence[str]]:
    """The default vocabulary plus the user's ``topics:`` map (which adds to it)."""
    try:
        from store.config import load_config
        from store.paths import config_file

        topics = load_config(config_file(None)).topics
    except Exception:  # a broken config is reported by the commands that read it
        topics = {}
    return merge_topics(DEFAULT_TOPICS, topics)


def merge_topics(
    base: Mapping[str, Sequence[str]], extra: Mapping[str, Sequence[str]] | None
) -> dict[str, list[str]]:
    """``base`` with ``extra``'s tags added and its phrases appended (same tag id)."""
    out: dict[str, list[str]] = {k: list(v) for k, v in base.items()}
    ids = {normalize_tag(k): k for k in out}
    for tag, phrases in (extra or {}).items():
        key = ids.get(normalize_tag(str(tag)), str(tag))
        out.setdefault(key, []).extend(str(p) for p in phrases or ())
    return out


# --------------------------------------------------------------------------
# discovery
# --------------------------------------------------------------------------

# generic modifiers stripped from the ends of discovered terms
_MODIFIERS = frozenset(
    [
        "new",
        "old",
        "many",
        "more",
        "most",
        "much",
        "less",
        "least",
        "few",
        "several",
        "various",
        "other",
        "another",
        "significant",
        "major",
        "minor",
        "main",
        "key",
        "important",
        "big",
        "bigger",
        "biggest",
        "large",
        "larger",
        "largest",
        "small",
        "smaller",
        "high",
        "higher",
        "low",
        "lower",
        "great",
        "greater",
        "good",
        "better",
        "best",
        "bad",
        "worse",
        "worst",
        "recent",
        "current",
        "final",
        "first",
        "second",
        "third",
        "last",
        "next",
        "early",
        "late",
        "latest",
        "total",
        "overall",
        "potential",
        "possible",
        "real",
        "true",
        "full",
        "whole",
        "entire",
        "certain",
        "particular",
        "specific",
        "general",
        "similar",
        "different",
        "same",
        "own",
        "strong",
        "clear",
        "huge",
        "massive",
        "broad",
        "wide",
        "critical",
        "crucial",
        "essential",
        "substantial",
        "considerable",
        "rapid",
        "fast",
        "quick",
        "slow",
        "often",
        "less",
    ]
)
_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n+|\s[-\u2013\u2014]\s")
_WORD_WITH_SEP = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
_HAS_UPPER = re.compile(r"[A-Z]|[^\x00-\x7f]")  # non-ASCII: maybe an uppercase letter
_FIRST_WORD = re.compile(r"\W*(\d+(?:\.\d+)+|[^\W_]+)")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or any(c.isupper() for c in tok[1:])


@functools.lru_cache(maxsize=100_000)
def _fold_word(w: str) -> str:
    return fold(w)


def _discoverable(raw: list[str]) -> bool:
    """Stricter than normalize_tag: a discovered topic must say something."""
    if _is_junk(raw):
        return False
    if raw[0] in STOP_WORDS or raw[-1] in STOP_WORDS:
        return False
    if len(raw) == 1:
        t = raw[0]
        s = singular(t)
        return not (
            len(t) < 2
            or t in GENERIC_WORDS
            or s in GENERIC_WORDS
            or t in MONTHS_AND_DAYS
            or t in _MODIFIERS
            or _NUMBERISH.fullmatch(t)
        )
    if all(t in GENERIC_WORDS or singular(t) in GENERIC_WORDS or t in _MODIFIERS for t in raw):
        return False
    return not any(_NUMBERISH.fullmatch(t) for t in raw)


def _trim(raw: list[str]) -> list[str]:
    while raw and (raw[0] in STOP_WORDS or raw[0] in _MODIFIERS or raw[0] in MONTHS_AND_DAYS):
        raw = raw[1:]
    while raw and raw[-1] in STOP_WORDS:
        raw = raw[:-1]
    return raw


@functools.lru_cache(maxsize=100_000)
def _candidate(raw: tuple[str, ...]) -> tuple[str, str] | None:
    """(compact key, tag id) of one folded name, or None: memoised, names recur."""
    words = _trim(list(raw))
    if not words or len(words) > MAX_PHRASE_TOKENS or not _discoverable(words):
        return None
    tag = normalize_tag(" ".join(words))
    if not tag:
        return None
    return "".join(tokens(" ".join(words))), tag


def discover_candidates(text: str, salient: str = "") -> dict[str, str]:
    """Candidate topics (compact key -> tag id): the *names* in ``text`` (and ``salient``).

    A name is a run of capitalised, camel-case or all-caps words ("Richard
    Reeves", "DeepSeek", "MMLU"), minus sentence-initial common words; in a
    title-cased line (a heading) only camel case and acronyms count. Common
    lowercase word pairs are not candidates any more: on a small vocabulary
    nearly every pair recurs across sources, which made discovery unbounded.
    Callers pass the *salient* text (title, summary, key points), not the body.
    """
    out: dict[str, str] = {}
    text = f"{text}\n{salient}" if salient else text
    if not _HAS_UPPER.search(text):
        return out
    if "://" in text or "www." in text or "WWW." in text:
        text = _URL.sub(" ", text)

    def add(raw: list[str]) -> None:
        hit = _candidate(tuple(raw))
        if hit is None:
            return
        key, tag = hit
        old = out.get(key)
        if old is None or old.count("-") > tag.count("-"):
            out[key] = tag  # the spelling with fewest words wins ("deepseek")

    for sentence in _SENTENCE.split(text):
        first = _FIRST_WORD.match(sentence)
        if first is None:
            continue
        if not _HAS_UPPER.search(sentence, first.end()):
            # only the first word may be capitalised (the usual sentence): it
            # is a name only when camel case or all caps, like "DeepSeek"
            w = first.group(1)
            if len(w) > 1 and _strong_name(w) and _fold_word(w) not in STOP_WORDS:
                add([_fold_word(w)])
            continue
        words = [(m.group(), m.start(), m.end()) for m in _WORD_WITH_SEP.finditer(sentence)]
        if not words:
            continue
        folded = [_fold_word(w) for w, _s, _e in words]
        content = [w for (w, _s, _e), f in zip(words, folded, strict=True) if f not in STOP_WORDS]
        caps = sum(1 for w in content if _is_cap(w))
        if not caps:
            continue
        # headings capitalise every word; a sentence with a few names does not
        title_case = (len(content) >= 2 and caps == len(content)) or (
            len(content) >= 5 and caps >= 0.85 * len(content)
        )
        run: list[str] = []
        run_start = 0
        for idx, ((w, start, _end), f) in enumerate(zip(words, folded, strict=True)):
            joined = idx > 0 and sentence[words[idx - 1][2] : start] == "-"
            if _is_cap(w) and f not in STOP_WORDS:
                if not run:
                    run_start = idx
                run.append(w)
                continue
            if run and joined and (w.isdigit() or "." in w):
                run.append(w)  # GPT-3.5
                continue
            _add_name(run, run_start, title_case, add)
            run = []
        _add_name(run, run_start, title_case, add)
    return out


def _strong_name(w: str) -> bool:
    """Camel case, all caps or digits: a name even at a sentence start."""
    return any(c.isupper() or c.isdigit() for c in w[1:])


def _add_name(run: list[str], start: int, title_case: bool, add: Any) -> None:
    if not run:
        return
    if title_case:
        # headings capitalise every word: only camel case / acronyms are names
        for w in run:
            if _strong_name(w):
                add([_fold_word(w)])
        return
    if start == 0 and len(run) == 1 and not _strong_name(run[0]):
        return  # "Additionally, ..." / "Men are ..." at a sentence start
    add([_fold_word(w) for w in run])


def salient_text(e: Entry) -> str:
    """Where discovery looks: title, summary and key points (else the body's lede).

    A writer names what a piece is about up front; the body repeats it and
    adds every passing mention. An entry with neither summary nor key points
    (a plain article or post) is represented by the start of its body.
    """
    parts = [e.title, e.summary, *e.key_points]
    if not e.summary and not e.key_points and e.body:
        parts.append(e.body[:LEDE_CHARS])
    return "\n".join(p for p in parts if p)


def _origin(e: Entry) -> str:
    return short_hash(e.source.name.casefold(), (e.show or "").casefold(), length=8)


# --------------------------------------------------------------------------
# discovery state
# --------------------------------------------------------------------------


def _empty_state() -> dict[str, Any]:
    return {"v": STATE_VERSION, "seq": 0, "active": {}, "pending": {}}


def _load_state(data: Any) -> dict[str, Any]:
    """The state, or an empty one (version 1 files held unbounded topics: dropped)."""
    if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
        return _empty_state()
    for k in ("active", "pending"):
        if not isinstance(data.get(k), dict):
            data[k] = {}
    if not isinstance(data.get("seq"), int):
        data["seq"] = 0
    return data


def _first_token(tag: str) -> str:
    """The token a tag's spelling starts with in ``tokens`` output."""
    return singular(tag.split("-", 1)[0])


def df_ceiling(n_entries: int) -> float:
    """Most entries a discovered topic may be on and still be applied."""
    if n_entries < DF_MIN_LIBRARY:
        return float("inf")
    return DF_SHARE * n_entries


class _Active:
    """Active topics indexed by the token their spellings start with.

    Matching an entry is one dict lookup per token plus, on a hit, a few
    string concatenations to compare compact keys, so "Quantix Net",
    "QuantixNet" and "quantix-net" all meet the key "quantixnet" without
    generating every n-gram of the text.
    """

    def __init__(self, active: Mapping[str, list[Any]]) -> None:
        self.by_first: dict[str, list[str]] = {}
        for key, rec in active.items():
            self.add(key, rec)

    def add(self, key: str, rec: list[Any]) -> None:
        firsts = {key, *rec[3]} if len(rec) > 3 else {key, _first_token(rec[0])}
        for f in firsts:
            lst = self.by_first.setdefault(f, [])
            if key not in lst:
                lst.append(key)

    def match(self, toks: Sequence[str]) -> list[str]:
        found: dict[str, None] = {}
        by_first = self.by_first
        starts = set(toks).intersection(by_first) if by_first else None
        if not starts:
            return []
        n = len(toks)
        for i, t in enumerate(toks):
            if t not in starts:
                continue
            keys = by_first[t]
            for key in keys:
                if key in found:
                    continue
                acc, j = t, i
                while len(acc) < len(key) and j + 1 < n and j - i < MAX_PHRASE_TOKENS - 1:
                    j += 1
                    acc += toks[j]
                    if not key.startswith(acc):
                        break
                if acc == key:
                    found[key] = None
        return list(found)


# --------------------------------------------------------------------------
# tag_entries
# --------------------------------------------------------------------------


def _merge(*groups: Iterable[str]) -> tuple[str, ...]:
    out: dict[str, None] = {}
    for g in groups:
        for t in g:
            n = normalize_tag(t)
            if n:
                out[n] = None
    return tuple(out)


class Prepared(NamedTuple):
    """What tagging and indexing need of one entry, computed from its content alone.

    Why: tokenising, hashing word pairs and finding candidate names is most of
    the cost of tagging, and none of it depends on the library. The parse
    workers compute it next to the parse (``prepare``), so the process that
    owns the library only merges. A NamedTuple pickles as a plain tuple.
    """

    text_hash: str  # short_hash(entry_text): the word index skips unchanged text
    tokens: list[str]  # tokens(entry_text): vocabulary and discovered-topic matching
    term_keys: bytes  # wordindex.token_terms(tokens) packed as array("Q")
    candidates: dict[str, str]  # discover_candidates(salient_text)
    vocab_key: str = ""  # Vocabulary.key of the map ``found`` was matched with
    found: list[str] | None = None  # that vocabulary's tags in ``tokens``


def prepare(e: Any, vocab: Vocabulary | None = None) -> Prepared:
    """``Prepared`` of an Entry or a ParsedEntry (only content fields are read).

    With ``vocab`` (``vocabulary_for`` the map tagging will use), the
    vocabulary is matched here too; ``tag_entries`` uses that result only when
    its own vocabulary has the same key.
    """
    from array import array

    from store.index.wordindex import token_terms

    text = entry_text(e)
    toks = tokens(text)
    return Prepared(
        short_hash(text, length=10),
        toks,
        array("Q", token_terms(toks)).tobytes(),
        discover_candidates(salient_text(e)),
        vocab.key if vocab is not None else "",
        vocab.match(toks) if vocab is not None else None,
    )


def tag_entries(
    entries: Sequence[Entry],
    lib: Library,
    topics: Mapping[str, Sequence[str]] | None = None,
    prepared: Sequence[Prepared | None] | None = None,
) -> list[Entry]:
    """Give each entry its automatic tags; index its words; re-tag a few older entries.

    ``prepared`` (aligned with ``entries``; None items allowed) is each
    entry's ``prepare``, when a parse worker computed it already.

    Tags already on an entry (feed-configured) are kept, first; then every
    vocabulary tag found; then at most ``MAX_DISCOVERED`` discovered topics,
    rarest first, each under the document-frequency ceiling. A topic that
    activates in this batch is added to at most ``MAX_RETAG`` older entries
    that contain it (found through the word index, no bodies loaded).
    """
    from store.index import wordindex

    if not entries:
        return []
    vocab = vocabulary_for(topics if topics is not None else _configured_topics())
    given = list(prepared) if prepared is not None else [None] * len(entries)
    preps = [p if p is not None else prepare(e) for e, p in zip(entries, given, strict=True)]
    wordindex.add_prepared(
        lib, [(e.id, p.text_hash, p.term_keys) for e, p in zip(entries, preps, strict=True)]
    )
    toks = [p.tokens for p in preps]
    cands = [p.candidates for p in preps]
    origins = [_origin(e) for e in entries]
    batch_ids = {e.id for e in entries}
    ceiling = df_ceiling(len(lib) + len(batch_ids))
    discovered: list[list[str]] = []
    retag: dict[str, tuple[str, set[str]]] = {}

    def update(data: Any) -> dict[str, Any]:
        state = _load_state(data)
        seq = state["seq"] = state["seq"] + 1
        active: dict[str, list[Any]] = state["active"]
        pending: dict[str, list[Any]] = state["pending"]
        newly: dict[str, set[str]] = {}
        for cand, origin in zip(cands, origins, strict=True):
            for key, tag in cand.items():
                if key in vocab.compacts:
                    continue
                rec = active.get(key)
                if rec is not None:
                    rec[2] = seq
                    first = _first_token(tag)
                    if first not in rec[3] and len(rec[3]) < 4:
                        rec[3].append(first)
                    continue
                p = pending.get(key)
                if p is None:
                    pending[key] = [tag, origin, seq]
                elif p[1] == origin:
                    p[2] = seq
                else:
                    best = p[0] if p[0].count("-") <= tag.count("-") else tag
                    firsts = sorted({_first_token(p[0]), _first_token(tag)})
                    hits = _phrase_hits(lib, key, best)
                    active[key] = [best, len(hits), seq, firsts]
                    newly[key] = hits
                    del pending[key]
        matcher = _Active(active)
        discovered.clear()
        for tk in toks:
            keys = matcher.match(tk)
            for k in keys:
                if k not in newly:  # a new topic's count already holds this batch
                    active[k][1] += 1
            ok = [k for k in keys if active[k][1] <= ceiling]
            ok.sort(key=lambda k: active[k][1])
            discovered.append([active[k][0] for k in ok[:MAX_DISCOVERED]])
        for key, hits in newly.items():
            rec = active[key]
            if rec[1] <= ceiling:
                retag[key] = (rec[0], hits - batch_ids)
        _prune(pending, MAX_PENDING)
        _prune(active, MAX_ACTIVE)
        return state

    lib.update_sidecar(STATE_NAME, update)

    out: list[Entry] = []
    for e, p, disc in zip(entries, preps, discovered, strict=True):
        found = (
            p.found if p.found is not None and p.vocab_key == vocab.key else vocab.match(p.tokens)
        )
        out.append(e.with_(auto_tags=_merge(e.auto_tags, found, disc)))

    if retag:
        _retag_older(lib, retag, vocab.tags)
    return out


def _phrase_hits(lib: Library, key: str, tag: str) -> set[str]:
    """Ids of indexed entries containing a topic, in any of its spellings."""
    from store.index import wordindex

    hits: set[str] = set()
    for sp in {tag.replace("-", " "), key}:
        hits |= wordindex.phrase_ids(lib, sp)
    return hits


def _prune(d: dict[str, list[Any]], cap: int) -> None:
    """Keep the ``cap`` most recently seen records (amortised: at 10% over the cap).

    Both record kinds hold the batch number they were last seen in at index 2.
    """
    if len(d) <= cap * 1.1:
        return
    oldest = sorted(d.items(), key=lambda kv: kv[1][2])
    for k, _v in oldest[: len(d) - cap]:
        del d[k]


def _retag_older(
    lib: Library, topics: Mapping[str, tuple[str, set[str]]], vocab_tags: set[str]
) -> None:
    """Add newly active topics to older entries: newest first, bounded.

    At most ``MAX_RETAG`` entries per topic, and never past ``MAX_DISCOVERED``
    non-vocabulary tags on an entry, so one activation costs a bounded index
    write whatever the library's size.
    """
    changes: dict[str, list[str]] = {}
    for tag, hits in topics.values():
        rows = []
        for eid in hits:
            try:
                rows.append(lib.row(eid))
            except Exception:
                continue
        rows.sort(key=lambda r: r.date, reverse=True)
        for row in rows[:MAX_RETAG]:
            cur = changes.get(row.id) or list(row.auto_tags)
            if tag in cur or sum(1 for t in cur if t not in vocab_tags) >= MAX_DISCOVERED:
                continue
            cur.append(tag)
            changes[row.id] = cur
    if changes:
        lib.set_auto_tags(changes)


def retag_library(
    lib: Library, topics: Mapping[str, Sequence[str]] | None = None, batch: int = 2000
) -> int:
    """Recompute every entry's automatic tags (after a vocabulary change).

    Discovery state is rebuilt from scratch. Loads every entry, so it is the
    slow path, for `doctor` or a changed ``topics:`` map, never for ingest.
    Returns how many rows changed.
    """
    lib.write_sidecar(STATE_NAME, _empty_state())
    ids = [r.id for r in reversed(lib.rows())]  # oldest first, like ingest order
    changed = 0
    for i in range(0, len(ids), batch):
        entries = [e.with_(auto_tags=()) for e in lib.get_many(ids[i : i + batch])]
        tagged = tag_entries(entries, lib, topics)
        changed += lib.set_auto_tags({e.id: e.auto_tags for e in tagged})
    return changed
