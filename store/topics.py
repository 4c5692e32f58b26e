"""Automatic tags: vocabulary topics plus topics discovered across sources.

Tag ids (``normalize_tag``)
    Lowercase, accents folded, words joined by hyphens ("open-source",
    "mental-health"), the last word made singular ("LLMs" -> "llm"). A name
    that is one word but often written as two ("Deep Seek", "Open AI") is
    spelled as one ("deepseek", "openai") when its compact form is a known
    compound (``store.vocabulary.KNOWN_COMPOUNDS`` or a one-word vocabulary
    phrase). Chrome, stop words, numbers and dates normalise to "" (no tag).
    Ids are a pure function of the text, so a tag the user removed from an
    entry matches the one re-tagging produces: it stays removed.

Vocabulary (``topics:`` of feeds.yaml, else ``store.vocabulary.DEFAULT_TOPICS``)
    Phrases matched on whole tokens of the folded, singularised text, so case,
    accents, plurals, hyphens and spacing ("open source" / "open-source" /
    "opensource") do not matter. One occurrence anywhere in title, summary,
    key points, sections or body gives the tag.

Discovery: a statistical method, not a keyword-extraction library.
    Candidates per entry are (a) names: runs of capitalised, camel-case or
    all-caps words ("Richard Reeves", "DeepSeek", "MMLU"), minus sentence-
    initial common words; (b) terms: RAKE-style stop-word-delimited 2-3 word
    sequences ("training run", "export controls") stripped of generic
    modifiers. A candidate becomes a tag once it is found in entries of at
    least two *origins* (origin = source name + show, so two shows inside one
    digest count apart). That is document frequency across sources, the "DF"
    of TF-IDF used as an acceptance test; the "IDF" half is applied where it
    matters, when ``store.tagindex`` ranks related entries by rarity.
    Why not YAKE / KeyBERT / RAKE libraries: none is a dependency here, model
    weights are out of place in a terminal app, and per-document keyword
    scores say nothing about recurrence across sources, which is the point of
    a cross-topic tag; a DF count is incremental by nature (one counter update
    per new entry), the per-document extractors are not.

Incremental state (side file ``topics.json``, read-modify-written under the
library lock): ``active`` compact-key -> tag for discovered topics, and
``pending`` compact-key -> [tag, origin] for candidates seen in one origin
so far. When a pending candidate is seen in a second origin it becomes
active and the older entries containing it are found through the word index
(``store.wordindex``, no bodies loaded) and re-tagged with
``Library.set_auto_tags`` (index rows only). Ingest of a batch therefore
costs O(batch text + size of the state file), never O(library).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from store.library import Library
from store.models import Entry, Section, short_hash
from store.vocabulary import (
    CHROME,
    DEFAULT_TOPICS,
    GENERIC_WORDS,
    KEY_NOT_A_PHRASE,
    KNOWN_COMPOUNDS,
    MONTHS_AND_DAYS,
    STOP_WORDS,
)

__all__ = [
    "Vocabulary",
    "discover_candidates",
    "entry_text",
    "fold",
    "merge_topics",
    "normalize_tag",
    "retag_library",
    "singular",
    "tag_entries",
    "tokens",
    "vocabulary_for",
]

STATE_NAME = "topics.json"
STATE_VERSION = 1
MAX_PHRASE_TOKENS = 4
MAX_TAG_CHARS = 60

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


def tokens(text: str) -> list[str]:
    """Folded, singular word tokens: the unit of matching, search and tags."""
    return [singular(t) for t in _TOKEN.findall(fold(text))]


def _raw_tokens(text: str) -> list[str]:
    return _TOKEN.findall(fold(text))


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


def normalize_tag(s: str) -> str:
    """The canonical tag id for any spelling; "" for junk or chrome.

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
    parts = [e.title, e.summary, *e.key_points, *_section_parts(e.sections), e.body]
    return "\n".join(p for p in parts if p)


# --------------------------------------------------------------------------
# vocabulary matching
# --------------------------------------------------------------------------

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


class Vocabulary:
    """A compiled ``topics:`` map: token sequences -> tag ids, matched in one pass."""

    def __init__(self, topics: Mapping[str, Sequence[str]]) -> None:
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
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

    def match(self, toks: Sequence[str]) -> list[str]:
        """Tags whose phrases occur in ``toks`` (in first-seen order)."""
        found: dict[str, None] = {}
        by_first = self.by_first
        n = len(toks)
        for i, t in enumerate(toks):
            cands = by_first.get(t)
            if not cands:
                continue
            for phrase, tag in cands:
                k = len(phrase)
                if tag not in found and (
                    k == 1 or (i + k <= n and tuple(toks[i : i + k]) == phrase)
                ):
                    found[tag] = None
        return list(found)


@functools.lru_cache(maxsize=8)
def _compiled(key: str) -> Vocabulary:
    return Vocabulary(_VOCAB_SOURCES[key])


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


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or any(c.isupper() for c in tok[1:])


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


_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
# gerunds that are nouns in technical terms ("machine learning", "cloud computing")
_ING_NOUNS = frozenset(
    [
        "learning",
        "computing",
        "training",
        "engineering",
        "reasoning",
        "funding",
        "marketing",
        "manufacturing",
        "programming",
        "housing",
        "banking",
        "spending",
        "trading",
        "lending",
        "warming",
        "printing",
        "processing",
        "modeling",
        "modelling",
        "scaling",
        "building",
    ]
)


def _term_ok(raw: list[str]) -> bool:
    """RAKE-style terms without a tagger: reject adverbs and verb forms."""
    if any(t.endswith("ly") for t in raw):
        return False
    if raw[0].endswith("ed") or raw[-1].endswith("ed"):
        return False
    last = raw[-1]
    return not (last.endswith("ing") and last not in _ING_NOUNS)


def discover_candidates(text: str, salient: str = "") -> dict[str, str]:
    """Candidate topics of one text: compact key -> tag id (see module doc).

    Names are taken wherever they occur; multi-word terms only when they
    occur twice in ``text`` or once in ``salient`` (title, summary, key
    points), which keeps one-off word pairs out of the discovery state.
    """
    out: dict[str, str] = {}
    terms: dict[str, list[Any]] = {}
    text = _URL.sub(" ", text)

    def add(raw: list[str], *, term: bool = False) -> None:
        raw = _trim(raw)
        if not raw or len(raw) > MAX_PHRASE_TOKENS or not _discoverable(raw):
            return
        if term and (len(raw) < 2 or not _term_ok(raw)):
            return
        tag = normalize_tag(" ".join(raw))
        if not tag:
            return
        key = "".join(tokens(" ".join(raw)))
        if term:
            slot = terms.setdefault(key, [tag, 0])
            slot[1] += 1
            return
        old = out.get(key)
        if old is None or old.count("-") > tag.count("-"):
            out[key] = tag  # the spelling with fewest words wins ("deepseek")

    for sentence in _SENTENCE.split(text):
        words = [
            (m.group(), m.start(), m.end()) for m in _WORD_WITH_SEP.finditer(sentence) if m.group()
        ]
        if not words:
            continue
        content = [w for w, _s, _e in words if fold(w) not in STOP_WORDS]
        caps = sum(1 for w in content if _is_cap(w))
        # headings capitalise every word; a sentence with a few names does not
        title_case = (len(content) >= 2 and caps == len(content)) or (
            len(content) >= 5 and caps >= 0.85 * len(content)
        )
        # (a) names: runs of capitalised words
        run: list[str] = []
        run_start = 0
        for idx, (w, start, _end) in enumerate(words):
            f = fold(w)
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
        if title_case:
            continue
        # (b) terms: stop-word-delimited lowercase sequences, 2-3 words
        chunk: list[str] = []
        for w, _s, _e in [*words, ("", 0, 0)]:
            f = fold(w)
            if f and f.isalpha() and len(f) > 2 and f not in STOP_WORDS and not _is_cap(w):
                chunk.append(f)
                continue
            for n in (2, 3):
                for i in range(len(chunk) - n + 1):
                    add(chunk[i : i + n], term=True)
            chunk = []
    if terms:
        sal = " " + " ".join(tokens(_URL.sub(" ", salient))) + " "
        for key, (tag, count) in terms.items():
            if key in out:
                continue
            if count >= 2 or (" " + tag.replace("-", " ") + " ") in sal:
                out[key] = tag
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
                add([fold(w)])
        return
    if start == 0 and len(run) == 1 and not _strong_name(run[0]):
        return  # "Additionally, ..." / "Men are ..." at a sentence start
    add([fold(w) for w in run])


def _origin(e: Entry) -> str:
    return short_hash(e.source.name.casefold(), (e.show or "").casefold(), length=8)


def _ngram_keys(toks: Sequence[str]) -> Iterator[str]:
    """Compact keys of every 1..4-gram not starting or ending on a stop word."""
    n = len(toks)
    for i, t in enumerate(toks):
        if t in STOP_WORDS:
            continue
        key = t
        yield key
        for k in range(1, MAX_PHRASE_TOKENS):
            if i + k >= n:
                break
            key += toks[i + k]
            if toks[i + k] not in STOP_WORDS:
                yield key


def _empty_state() -> dict[str, Any]:
    return {"v": STATE_VERSION, "active": {}, "pending": {}}


def _load_state(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or data.get("v") != STATE_VERSION:
        return _empty_state()
    data.setdefault("active", {})
    data.setdefault("pending", {})
    return data


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


def tag_entries(
    entries: Sequence[Entry],
    lib: Library,
    topics: Mapping[str, Sequence[str]] | None = None,
) -> list[Entry]:
    """Give each entry its automatic tags; index its words; re-tag older entries.

    Tags already on an entry (feed-configured) are kept, first. Discovered
    topics that cross the two-origin threshold in this batch are added to the
    older entries that contain them, through ``lib.set_auto_tags``.
    """
    from store import wordindex

    if not entries:
        return []
    vocab = vocabulary_for(topics if topics is not None else _configured_topics())
    wordindex.add_entries(lib, entries)

    texts = [entry_text(e) for e in entries]
    toks = [tokens(t) for t in texts]
    cands = [
        discover_candidates(t, "\n".join([e.title, e.summary, *e.key_points]))
        for e, t in zip(entries, texts, strict=True)
    ]
    origins = [_origin(e) for e in entries]
    batch_ids = {e.id for e in entries}
    newly_active: dict[str, str] = {}
    active_snapshot: dict[str, str] = {}

    def update(data: Any) -> dict[str, Any]:
        state = _load_state(data)
        active: dict[str, str] = state["active"]
        pending: dict[str, list[str]] = state["pending"]
        newly_active.clear()
        for cand, origin in zip(cands, origins, strict=True):
            for key, tag in cand.items():
                if key in vocab.compacts or key in active:
                    continue
                p = pending.get(key)
                if p is None:
                    pending[key] = [tag, origin]
                elif p[1] != origin:
                    best = p[0] if p[0].count("-") <= tag.count("-") else tag
                    active[key] = best
                    newly_active[key] = best
                    del pending[key]
        active_snapshot.clear()
        active_snapshot.update(active)
        return state

    lib.update_sidecar(STATE_NAME, update)

    out: list[Entry] = []
    for e, tk in zip(entries, toks, strict=True):
        found = vocab.match(tk)
        disc = {active_snapshot[k]: None for k in _ngram_keys(tk) if k in active_snapshot}
        found_set = set(found)
        out.append(
            e.with_(auto_tags=_merge(e.auto_tags, found, (t for t in disc if t not in found_set)))
        )

    if newly_active:
        _retag_older(lib, newly_active, batch_ids)
    return out


def _retag_older(lib: Library, newly: Mapping[str, str], skip: set[str]) -> None:
    from store import wordindex

    changes: dict[str, list[str]] = {}
    for key, tag in newly.items():
        spellings = {tag.replace("-", " "), key}
        hits: set[str] = set()
        for sp in spellings:
            hits |= wordindex.phrase_ids(lib, sp)
        for eid in hits:
            if eid in skip:
                continue
            try:
                row = lib.row(eid)
            except Exception:
                continue
            cur = changes.get(eid) or list(row.auto_tags)
            if tag not in cur:
                cur.append(tag)
                changes[eid] = cur
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
