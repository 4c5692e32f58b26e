"""Content signatures: what an entry says, as a short weighted list of terms.

Why a signature and not the tags: tags are a handful of names; whether two
entries talk about the same thing shows in everything they say (the names,
the figures, the phrases), and most in what their authors put up front. A
signature holds an entry's ``MAX_TERMS`` heaviest terms:

* words (folded, singular tokens; stop words and chrome dropped),
* phrases (adjacent word pairs, spelled like tags: "software-update"),
* figures (``store.index.numbers``: 62,000 / 62k / sixty-two thousand meet).

A term's weight is where it occurs (title x3, summary and key points x2,
details and body x1; replies are other people's words and are left out),
damped (log of the weighted count), times how specific the term is in
general English (``wordfreq``: "ampwell" 1.0, "data" about 0.3). Library
rarity (IDF) is applied when entries are compared (``store.index.related``),
since it changes with every ingest and a stored weight must not.

Pure functions of one entry's content: a signature is computed once per
content hash and kept (``store.index.simstore``).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable

from store.index.numbers import NUMBER_WORDS, figures, is_strong
from store.index.specificity import zipf, zipf_in
from store.index.tokens import Content, raw_tokens, singular
from store.index.wordlists import chrome, months_and_days, stop_words

__all__ = [
    "MAX_TERMS",
    "VERSION",
    "Signature",
    "mentions",
    "signature",
    "signature_and_forms",
    "specificity",
    "term_label",
]

#: bumped whenever ``signature`` changes: stored signatures (and the stories
#: built on them) of another version are recomputed, never mixed
VERSION = 8  # 8: with the vocabulary topics each entry names (``mentions``)
MAX_TERMS = 60
PHRASE_W = 0.8  # a phrase weighs a little less than a word: its words count too
TITLE_W, LEAD_W, DETAIL_W = 3.0, 2.0, 1.0
MIN_SPEC = 0.12

Signature = dict[str, float]


# a non-English word common in its language is generic ("für", "когда"): feeds
# come in many languages and the stop-word list is English; plain ASCII words
# are looked up in English only (each language's list costs a second to load)
_LANGS = ("en", "de", "fr", "es", "it", "pt", "nl")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_GREEK = re.compile("[\u0370-\u03ff]")


@functools.lru_cache(maxsize=200_000)
def _zipf(word: str, multilingual: bool = False) -> float:
    # "ourselve", "sometime": singulars of common plurals are as common as they are
    z = max(zipf_in(w, "en") for w in (word, word + "s", word + "es"))
    if z >= 3.5 or (word.isascii() and not multilingual):
        return z
    langs = ("ru",) if _CYRILLIC.search(word) else ("el",) if _GREEK.search(word) else _LANGS[1:]
    return max(z, *(zipf_in(word, lang) for lang in langs))


@functools.lru_cache(maxsize=200_000)
def specificity(term: str, multilingual: bool = False) -> float:
    """0..1: how much a term says in general English (rare names 1, "data" ~0.3).

    A phrase is at least as specific as its more specific word, and a bit
    more: "software update" says more than "software" or "update" alone. A
    figure is specific unless it is a year or a small count.
    """
    if ":" in term:
        if not is_strong(term):
            return 0.25
        return 0.8 if _big(term) else 0.4
    if "-" in term:
        a, _, b = term.partition("-")
        return min(1.0, max(specificity(a, multilingual), specificity(b, multilingual)) + 0.2)
    if term.isdigit():
        return 0.15
    z = _zipf(term, multilingual)
    return max(MIN_SPEC, min(1.0, (6.6 - z) / 4.0))


def _big(term: str) -> bool:
    """A figure of three digits or more, a duration or a percentage: rarely shared by chance."""
    kind, _, v = term.partition(":")
    try:
        return kind != "n" or float(v) >= 100
    except ValueError:
        return False


@functools.cache
def _skip() -> frozenset[str]:
    chrome_words = frozenset(w for w in chrome() if " " not in w)
    return stop_words() | months_and_days() | chrome_words | NUMBER_WORDS


_DROPPED = ("", "")
#: each token's (term, as written) or ``_DROPPED``: one dict look-up per token
#: instead of a singular and three tests (a signature's commonest step)
_TOKEN_TERMS: dict[str, tuple[str, str]] = {}
_TOKEN_TERMS_MAX = 200_000


def _words(text: str) -> list[tuple[str, str]]:
    """(token, as written) worth comparing, in order; a dropped token ("") breaks a phrase."""
    memo = _TOKEN_TERMS
    toks = raw_tokens(text)
    if len(memo) > _TOKEN_TERMS_MAX:
        memo.clear()
    out = []
    for raw in toks:
        got = memo.get(raw)
        if got is None:
            t = singular(raw)
            # a token starting with a digit ("109b", "12x", "3.5") is a figure: ``figures`` reads it
            ok = len(t) > 1 and t not in _skip() and not t[0].isdigit()
            got = memo[raw] = (t, raw) if ok else _DROPPED
        out.append(got)
    return out


# addresses are not evidence: "art19.com/privacy" in every episode of a host says nothing
_ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S*", re.IGNORECASE
)


Forms = dict[str, dict[str, int]]


def _add(acc: dict[str, float], forms: Forms, text: str, w: float) -> None:
    if not text:
        return
    if "/" in text or "@" in text or "www." in text:
        text = _ADDRESS.sub(" ", text)
    prev, prev_raw = "", ""
    for t, raw in _words(text):
        if t:
            acc[t] = acc.get(t, 0.0) + w
            if raw != t:
                f = forms.setdefault(t, {})
                f[raw] = f.get(raw, 0) + 1
            if prev:
                p = f"{prev}-{t}"
                acc[p] = acc.get(p, 0.0) + w
                if raw != t or prev_raw != prev:
                    f = forms.setdefault(p, {})
                    key = f"{prev_raw}-{raw}"
                    f[key] = f.get(key, 0) + 1
        prev, prev_raw = t, raw
    for fig in figures(text):
        acc[fig] = acc.get(fig, 0.0) + w


def _section_texts(e: Content) -> Iterable[str]:
    stack = list(e.sections)
    while stack:
        s = stack.pop(0)
        yield s.title
        yield from s.bullets
        if s.text:
            yield s.text
        stack[:0] = list(s.sections)


def signature(e: Content) -> Signature:
    """The ``MAX_TERMS`` heaviest terms of an entry with their weights (see the module doc)."""
    return signature_and_forms(e)[0]


def signature_and_forms(e: Content) -> tuple[Signature, dict[str, str], dict[str, float]]:
    """``signature``, how its terms are written where that is not the term itself,
    and each term's specificity as this entry's language has it.

    Terms are singular tokens ("ampwell-motor", "buse"); a reason shows the
    form the text uses most ("ampwell-motors", "buses").

    A feed item's body often repeats its summary and key points; that only
    adds a detail weight to terms that already lead, which is harmless.
    Ties break on the term, so a signature is a pure function of the content.
    """
    acc: dict[str, float] = {}
    forms: Forms = {}
    _add(acc, forms, e.title, TITLE_W)
    titled = set(acc)
    _add(acc, forms, e.summary, LEAD_W)
    for k in e.key_points:
        _add(acc, forms, k, LEAD_W)
    for s in _section_texts(e):
        _add(acc, forms, s, DETAIL_W)
    _add(acc, forms, e.body, DETAIL_W)
    # a phrase written once is noise ("dominate-highly", "hosts-explain"): it counts
    # from its second use, or in the title
    multi = not _english(e)
    scored = {
        t: math.log1p(w) * specificity(t, multi) * (PHRASE_W if "-" in t else 1.0)
        for t, w in acc.items()
        if "-" not in t or w >= 2 * DETAIL_W and (w != LEAD_W or t in titled)
    }
    best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_TERMS]
    sig = {t: round(v, 3) for t, v in best if v > 0}
    written = {}
    for t in sig:
        f = forms.get(t)
        if not f:
            continue
        form = max(f.items(), key=lambda kv: (kv[1], kv[0]))[0]
        # only a broken singular is written as the text has it ("buse" -> "buses",
        # "ourselve" -> "ourselves"); "motor", "recall" stay as they are
        words = [
            raw if _broken(sing, raw) else sing
            for sing, raw in zip(t.split("-"), form.split("-"), strict=False)
        ]
        label = "-".join(words)
        if label != t and len(words) == t.count("-") + 1:
            written[t] = label
    return sig, written, {t: specificity(t, multi) for t in sig}


@functools.lru_cache(maxsize=65_536)
def _broken(sing: str, raw: str) -> bool:
    """A singular English does not use while the form written is common ("buse")."""
    return sing != raw and zipf(sing) + 1.0 < zipf(raw)


def _english(e: Content) -> bool:
    """Whether an entry reads as English: enough English function words in its lead.

    Other entries ("Die Bluthochzeit", "Les plus beaux secrets") have their
    words' generality looked up in the other languages too ("qui", "est",
    "liegt" are as common there as "the" is here).
    """
    toks = raw_tokens(" ".join([e.title, e.summary, *e.key_points])[:4000])
    if len(toks) < 8:
        return True
    stop = stop_words()
    return sum(1 for t in toks if t in stop) >= 0.12 * len(toks)


def mentions(e: Content) -> tuple[str, ...]:
    """The shipped vocabulary's topics the entry's own words name, sorted.

    Not its tags: a topic named once in passing ("the gap between open and
    closed models") is no tag of the entry, yet when two related entries both
    name it, it is one of the things they share, and a reason
    (``store.index.related.reasons``). Read like tags are (``evidence``: no
    URLs, code, share chrome or replies), with the default vocabulary only, so
    it stays a pure function of the content.
    """
    from store.index.evidence import evidence
    from store.index.tagids import normalize_tag
    from store.index.vocabulary import vocabulary_for

    ev = evidence(e)
    vocab = vocabulary_for(None)
    found: set[str] = set()
    for toks, cases in zip(ev.tokens, ev.cases, strict=True):
        found.update(normalize_tag(t) for t in vocab.count(toks, cases))
    return tuple(sorted(t for t in found if t))


def term_label(term: str) -> str:
    """A term as a reason reads: words as they are, phrases hyphenated, figures spelled."""
    if ":" in term:
        from store.index.numbers import figure_label

        return figure_label(term)
    return term
