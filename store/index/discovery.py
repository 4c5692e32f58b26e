"""Discovery candidates: the *names* an entry is about, found in its salient text.

Candidates come only from strong signals in the salient text (title,
summary, key points; the body's lede when there is neither summary nor key
points): runs of capitalised, camel-case or all-caps words ("Richard
Reeves", "DeepSeek", "MMLU"), minus sentence-initial common words; in a
title-cased heading only camel case and acronyms. Lowercase word pairs are
not candidates: on a small vocabulary nearly every pair recurs across
sources, which once gave 39,305 topics and 604 tags per entry.

Whether a candidate becomes a topic (seen in two origins, under a document
frequency ceiling) is decided across entries by ``store.index.topics``; this
module looks at one entry's text only, so the parse workers can run it.
Per-name work (trimming, the junk and generic-word tests, the tag id) is
memoised: names recur from entry to entry.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from store.index.evidence import clean
from store.index.names import given_names
from store.index.pluralnames import Written, keep_plural
from store.index.specificity import COMMON_ZIPF, zipf
from store.index.tagids import is_junk, is_numberish, normalize_tag
from store.index.tokens import Content, fold, singular, tokenize
from store.index.wordlists import generic_words, modifiers, months_and_days, stop_words

__all__ = ["LEDE_CHARS", "MAX_PHRASE_TOKENS", "discover_candidates", "salient_text"]

MAX_PHRASE_TOKENS = 4  # words in a discovered name
LEDE_CHARS = 1000  # body text read for discovery when there is no summary

_SENTENCE = re.compile(r"(?<=[.!?:;])\s+|\n+|\s[-\u2013\u2014]\s")
_WORD_WITH_SEP = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")
_HAS_UPPER = re.compile(r"[A-Z]|[^\x00-\x7f]")  # non-ASCII: maybe an uppercase letter
_FIRST_WORD = re.compile(r"\W*(\d+(?:\.\d+)+|[^\W_]+)")
_ROMAN = re.compile(r"[ivxlcdm]+")
# "General Data Protection Regulation (GDPR)": a long form and its acronym
_EXPANSION = re.compile(
    r"((?:[A-Z][\w-]*[ \t]+(?:(?:of|and|for|the|on|in|to|de)[ \t]+)?){1,7}[A-Z][\w-]*)"
    r"[ \t]*\(([A-Z][A-Za-z]{1,7})\)"
)
_PLACE_PREFIXES = frozenset({"new", "north", "south", "east", "west", "great", "united"})
_RUN_BREAKS = '()[],;:"\u201c\u201d|/'
_MINOR = frozenset({"of", "and", "for", "the", "on", "in", "to", "de"})


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper() or any(c.isupper() for c in tok[1:])


@functools.lru_cache(maxsize=100_000)
def _fold_word(w: str) -> str:
    return fold(w)


def _discoverable(raw: list[str]) -> bool:
    """Stricter than normalize_tag: a discovered topic must say something."""
    if is_junk(raw):
        return False
    stop, generic, mods = stop_words(), generic_words(), modifiers()
    if raw[0] in stop or raw[-1] in stop:
        return False
    if len(raw) == 1:
        t = raw[0]
        s = singular(t)
        return not (
            len(t) < 3  # "oh", "pt", "ii", "ep": letters, not topics
            or t in generic
            or s in generic
            or t in months_and_days()
            or t in mods
            or t in given_names()  # "Alex joins us": a first name alone is nobody
            or _ROMAN.fullmatch(t) is not None
            or is_numberish(t)
        )
    if all(t in generic or singular(t) in generic or t in mods for t in raw):
        return False
    return not any(is_numberish(t) for t in raw)


def _trim(raw: list[str]) -> list[str]:
    stop, mods, dates = stop_words(), modifiers(), months_and_days()
    while raw and (raw[0] in stop or raw[0] in mods or raw[0] in dates):
        if raw[0] in _PLACE_PREFIXES and len(raw) > 1 and zipf(raw[1]) >= COMMON_ZIPF - 0.6:
            break  # "New York", "New Jersey": a place, not a new thing
        raw = raw[1:]
    while raw and raw[-1] in stop:
        raw = raw[:-1]
    return raw


@functools.lru_cache(maxsize=100_000)
def _candidate(spelled: tuple[str, ...]) -> tuple[str, str] | None:
    """(compact key, tag id) of one name as written, or None: memoised, names recur.

    The tests run on the folded words; the id is made from the words as
    written, whose capitals keep a camel-case name whole ("CocoaPods").
    """
    raw = [_fold_word(w) for w in spelled]
    words = _trim(raw)
    if not words or len(words) > MAX_PHRASE_TOKENS or not _discoverable(words):
        return None
    start = next(i for i in range(len(raw)) if raw[i : i + len(words)] == words)
    tag = normalize_tag(" ".join(spelled[start : start + len(words)]))
    if not tag:
        return None
    return "".join(tokenize(" ".join(words))), tag


def discover_candidates(
    text: str, salient: str = "", *, cleaned: bool = False, entry: Written | None = None
) -> dict[str, str]:
    """Candidate topics (compact key -> tag id): the *names* in ``text`` (and ``salient``).

    A name is a run of capitalised, camel-case or all-caps words ("Richard
    Reeves", "DeepSeek", "MMLU"), minus sentence-initial common words; in a
    title-cased line (a heading) only camel case and acronyms count. Common
    lowercase word pairs are not candidates any more: on a small vocabulary
    nearly every pair recurs across sources, which made discovery unbounded.
    Callers pass the *salient* text (title, summary, key points), not the body;
    ``cleaned``: it went through ``evidence.clean`` already. ``entry``: how
    the whole entry writes its words; a name it writes only as a capitalised
    plural keeps the plural (``pluralnames.keep_plural``: "Star Wars").
    """
    out: dict[str, str] = {}
    stop = stop_words()
    text = f"{text}\n{salient}" if salient else text
    if not _HAS_UPPER.search(text):
        return out
    if not cleaned:
        text = clean(text)

    def add(raw: list[str], running: bool = False) -> None:
        if len(raw) == 1 and _common_word(_fold_word(raw[0])):
            return
        hit = _candidate(tuple(raw))
        if hit is None:
            return
        key, tag = hit
        if running and "-" in tag:  # a name in running text ("surrounded by Star Wars")
            tag = keep_plural(tag, raw[-1], entry)
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
            if len(w) > 1 and _strong_name(w) and _fold_word(w) not in stop:
                add([w], False)
            continue
        words = [(m.group(), m.start(), m.end()) for m in _WORD_WITH_SEP.finditer(sentence)]
        if not words:
            continue
        folded = [_fold_word(w) for w, _s, _e in words]
        content = [w for (w, _s, _e), f in zip(words, folded, strict=True) if f not in stop]
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
            gap = sentence[words[idx - 1][2] : start] if idx > 0 else ""
            joined = gap == "-"
            if f == "s" and gap in ("'", "\u2019"):
                _add_name(run, run_start, title_case, add, words)  # "Ireland's DPC": two names
                run = []
                continue
            if run and any(c in gap for c in _RUN_BREAKS):
                _add_name(run, run_start, title_case, add, words)  # "Regulation (GDPR)": two names
                run = []
            if _is_cap(w) and f not in stop:
                if not run:
                    run_start = idx
                run.append(w)
                continue
            if run and joined and (w.isdigit() or "." in w):
                run.append(w)  # GPT-3.5
                continue
            _add_name(run, run_start, title_case, add, words)
            run = []
        _add_name(run, run_start, title_case, add, words)
    _fold_expansions(text, out)
    return out


def _common_word(w: str) -> bool:
    """A capitalised common English word ("Harvest", "Bonus", "Mother"): a name only with others."""
    return zipf(w) >= COMMON_ZIPF


def _fold_expansions(text: str, out: dict[str, str]) -> None:
    """ "Long Form (LF)": both spellings are one tag, the acronym's."""
    if "(" not in text:
        return
    for m in _EXPANSION.finditer(text):
        words = m.group(1).split()
        acr = m.group(2)
        while (
            words and "".join(w[0] for w in words if w.lower() not in _MINOR).upper() != acr.upper()
        ):
            words = words[1:]  # "Ireland's General Data ..." -> "General Data ..."
        if len(words) < 2:
            continue
        acr_hit = _candidate((acr,))
        long_hit = _candidate(tuple(words))
        if acr_hit is None or long_hit is None:
            continue
        out[acr_hit[0]] = acr_hit[1]
        out[long_hit[0]] = acr_hit[1]


def _strong_name(w: str) -> bool:
    """Camel case, all caps or digits: a name even at a sentence start.

    An ASCII word is asked with one regex search (its upper case letters and
    digits are exactly [A-Z0-9]); a generator over the letters of every word of
    every entry cost several times that.
    """
    if w.isascii():
        return _UPPER_OR_DIGIT.search(w, 1) is not None
    return any(c.isupper() or c.isdigit() for c in w[1:])


_UPPER_OR_DIGIT = re.compile(r"[A-Z0-9]")


def _add_name(
    run: list[str],
    start: int,
    title_case: bool,
    add: Callable[[list[str], bool], None],
    words: list[tuple[str, int, int]],
) -> None:
    if not run:
        return
    if title_case:
        # headings capitalise every word: only camel case / acronyms are names
        for w in run:
            if _strong_name(w):
                add([w], False)
        return
    if start == 0 and len(run) == 1 and not _strong_name(run[0]):
        return  # "Additionally, ..." / "Men are ..." at a sentence start
    add(list(run), _running(words, start, start + len(run)))


def _running(words: list[tuple[str, int, int]], start: int, end: int) -> bool:
    """Whether ``words[start:end]`` is a name in running text: mid-sentence, a neighbour in small letters.

    "joined by Clint Watts", "between Marvel Studios and Sony Pictures": the
    capitals mark a name. A title-cased list ("Funny Videos, Flash Games,
    Funny Pictures") or a sentence's first words capitalise anything.
    """
    if start == 0:
        return False
    after = end + 1 if end < len(words) and words[end][0] == "s" else end  # "Wars's"
    near = [words[start - 1][0], *(w for w, _s, _e in words[after : after + 1])]
    return any(not _is_cap(w) for w in near)


def salient_text(e: Content) -> str:
    """Where discovery looks: title, summary and key points (else the body's lede).

    A writer names what a piece is about up front; the body repeats it and
    adds every passing mention. An entry with neither summary nor key points
    (a plain article or post) is represented by the start of its body.
    """
    parts = [e.title, e.summary, *e.key_points]
    if not e.summary and not e.key_points and e.body:
        parts.append(e.body[:LEDE_CHARS])
    return "\n".join(p for p in parts if p)
