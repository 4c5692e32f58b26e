"""Keywords of one entry: the specific common nouns it is plainly about.

Discovery (``store.index.discovery``) finds *names* that recur across
sources. Some subjects are not names: a piece about woodworking, chess or a
battery recall says so in its title and lead and then keeps saying it. A
keyword is a word or a two-word phrase that

* occurs in the title or the lead, and again further on (``MIN_COUNT`` in all),
  written in lower case at least once (a name is discovery's business: a
  person's name is not a topic until it recurs across sources);
* is specific in general English (``store.index.specificity``: "workbench",
  "endgame", "robotaxi"; never "data", "market", "model" or a stop word);
* is not a vocabulary phrase (the vocabulary already tags those);
* recurs in a second source (``store.index.topics`` keeps the count, as for
  names), unless the entry's title names it (``own_right``): a writer names
  a piece's subject in the title and develops it in the lead, so a title
  keyword said again in the lead is the subject whether or not another
  source has written about it yet ("pension", "marathon", "pottery"); a
  rare word (``OWN_RIGHT_ZIPF``: "workbench", "robotaxis") needs no lead,
  an ordinary word the lead never takes up is a passing word of the title;
* is not an "-ing" form of a verb ("changing", "chasing"): an "-ing" word
  counts only where the entry uses it as a noun, written at least once right
  after a determiner ("the knitting circle", "most beekeeping jobs";
  ``noun_ing``), which a verb's participle never is.

The tag id is built from the words as written (``normalize_tag``), so names'
plurals and compound folding follow the same rules as every other tag.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence

from store.index.names import given_names
from store.index.specificity import zipf
from store.index.tagids import is_camel, is_numberish, normalize_tag
from store.index.tokens import fold, singular
from store.index.wordlists import generic_words, modifiers, months_and_days, stop_words

__all__ = [
    "KEYWORD_ZIPF",
    "MAX_KEYWORDS",
    "OWN_RIGHT_ZIPF",
    "PHRASE_ZIPF",
    "keywords",
    "noun_ing",
    "own_right",
]

KEYWORD_ZIPF = 4.5  # a single word this common in English is no keyword ("recall" 4.4 is)
PHRASE_ZIPF = 9.8  # the two words' Zipf values summed ("battery recall" 8.9)
MIN_COUNT = 3  # occurrences of a single word, title and lead included...
MIN_TITLE_COUNT = 2  # ...or this many when one is in the title
MIN_PHRASE_COUNT = 2
PHRASE_BONUS = 1.5  # a specific phrase says more than either of its words
MAX_KEYWORDS = 6
MIN_LETTERS = 4

Counts = tuple[int, int, int]
# occurrences by field, specificity factor (about 0.6-1.6), and whether it may be
# offered before it recurs in a second source (see ``own_right``)
Keyword = tuple[Counts, float, bool]
OWN_RIGHT_ZIPF = 3.0  # a title word rarer than this names the subject without the lead
# words after which an "-ing" word is a noun ("the knitting", "most beekeeping"), not a verb
DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "its",
        "their",
        "our",
        "his",
        "her",
        "my",
        "your",
        "some",
        "most",
        "every",
        "each",
        "no",
    ]
)


@functools.lru_cache(maxsize=100_000)
def _content(word: str) -> bool:
    """A word that may be part of a keyword (not a past tense or an adverb: "fined", "quickly")."""
    return (
        len(word) >= MIN_LETTERS
        and word.isalpha()
        and not word.endswith(("ed", "ly"))
        and word not in stop_words()
        and word not in generic_words()
        and singular(word) not in generic_words()
        and word not in modifiers()
        and word not in months_and_days()
        and word not in given_names()
        and not is_numberish(word)
    )


def _count(fields: Sequence[Sequence[str]], key: tuple[str, ...]) -> Counts:
    """Occurrences of a word or a two-word phrase in each field (C-speed scans)."""
    out = [0, 0, 0]
    for f, toks in enumerate(fields):
        if len(key) == 1:
            out[f] = toks.count(key[0])
            continue
        a, b = key
        i, n, index = -1, len(toks) - 1, toks.index
        while True:
            try:
                i = index(a, i + 1, n)
            except ValueError:
                break
            out[f] += toks[i + 1] == b
    return out[0], out[1], out[2]


def keywords(
    raw: Sequence[Sequence[str]],
    folded: Sequence[Sequence[str]],
    skip: set[str] | frozenset[str] = frozenset(),
) -> dict[str, Keyword]:
    """Keyword tag id -> (occurrences by field, specificity), for one entry's evidence.

    ``raw`` are the cased tokens of title, lead and details and ``folded``
    the matching folded tokens; ``skip`` holds compact forms to leave out.
    """
    folded = _once(folded)
    head = [*folded[0], *folded[1]]
    if not head or not _english(head):
        return {}
    want = set(head)
    rawset = {*raw[0], *raw[1], *raw[2]}
    lowset = rawset.intersection(map(str.lower, rawset))  # spellings in lower case, in C
    lower: set[str] = set()
    acronym: set[str] = set()
    spelled: dict[str, str] = {}
    rarest: dict[str, float] = {}
    camel = _camel_spellings(raw, rawset)
    for w in want:
        forms = [f for f in _forms(w) if f in lowset]
        if forms:
            lower.add(w)
            spelled[w] = camel.get(w) or min(forms)
            rarest[w] = min(zipf(f) for f in forms) if _content(w) else 9.0
        else:
            caps = [f for f in (w.upper(), w.upper() + "s") if f in rawset]
            if caps and len(w) >= 2 and w.isalpha():
                acronym.add(w)
                spelled[w] = min(caps)
    in_title = set(folded[0])
    per = [Counter(f) for f in folded]  # counted in C, once
    scored: list[tuple[float, str, Keyword]] = []
    for w in want:
        if w not in lower or w in skip or not _content(w):
            continue
        if w.endswith("ing") and not noun_ing(folded, w):
            continue
        counts = (per[0][w], per[1][w], per[2][w])
        z = rarest[w]
        if sum(counts) >= _needed(z, w in in_title) and z < KEYWORD_ZIPF:
            tag = normalize_tag(spelled.get(w, w))
            if tag:
                spec = _factor(KEYWORD_ZIPF - z)
                own = own_right(counts, z)
                scored.append((sum(counts) * spec, tag, (counts, spec, own)))
    for a, b in dict.fromkeys(zip(head, head[1:], strict=False)):
        first_ok = (
            a in lower and _content(a) and not spelled.get(a, a).endswith(("s", "ing"))
        ) or (a in acronym and a not in lower and not is_numberish(a))
        if not first_ok or a + b in skip or b not in lower or not _content(b):
            continue  # "handles teen": a verb or a plural does not start a phrase
        za, zb = zipf(spelled.get(a, a).casefold()), zipf(spelled.get(b, b).casefold())
        if za + zb >= PHRASE_ZIPF:
            continue
        counts = _count(folded, (a, b))
        if sum(counts) < MIN_PHRASE_COUNT:
            continue
        tag = normalize_tag(f"{spelled.get(a, a)} {spelled.get(b, b)}")
        if tag:
            spec = _factor(PHRASE_ZIPF - za - zb) * PHRASE_BONUS
            own = own_right(counts, (za + zb) / 2)
            scored.append((sum(counts) * spec, tag, (counts, spec, own)))
    scored.sort(key=lambda x: (-x[0], x[1]))
    return {tag: kw for _s, tag, kw in scored[:MAX_KEYWORDS]}


def _once(folded: Sequence[Sequence[str]]) -> Sequence[Sequence[str]]:
    """The fields with a lead that opens with the title's words counted from after them.

    Why: an entry without a title of its own (a post, a feed item) is titled
    with its first sentence, which its lead then repeats. Counted twice, every
    word and pair of that one sentence had the two occurrences a keyword needs,
    and was in the title too: "cheap consumer GPUs", said once, gave the tag
    "cheap-consumer". The title stays the title; only the copy goes.
    """
    title, lead = folded[0], folded[1]
    n = len(title)
    if n >= 2 and len(lead) >= n and list(lead[:n]) == list(title):
        return (title, lead[n:], *folded[2:])
    return folded


def own_right(counts: Counts, z: float) -> bool:
    """Whether a keyword may be offered before a second source has it (module docstring).

    ``counts`` are its occurrences in title, lead and details and ``z`` its
    Zipf frequency (a phrase's mean): in the title, and rare or again in the lead.
    """
    return counts[0] > 0 and (z < OWN_RIGHT_ZIPF or counts[1] > 0)


def noun_ing(fields: Sequence[Sequence[str]], word: str) -> bool:
    """Whether an "-ing" word is used as a noun: right after a determiner at least once.

    Why: "Changing Jobs" and "chasing twelve strikes" are verbs, "the knitting
    circle" and "most beekeeping jobs" name an activity; English puts no
    determiner right before a verb's participle, and word frequencies cannot
    tell the two apart ("chasing" and "knitting" are both commoner than their
    past tense). Only the few "-ing" words of title and lead are looked up.
    """
    for toks in fields:
        i, index = 0, toks.index
        while True:
            try:
                i = index(word, i) + 1
            except ValueError:
                break
            if i > 1 and toks[i - 2] in DETERMINERS:
                return True
    return False


ENGLISH_SHARE = 0.2  # of an English text's tokens, about a third are function words


def _english(toks: Sequence[str]) -> bool:
    """Whether text reads as English: word frequencies are English ones."""
    if len(toks) < 12:
        return True  # a title alone: too short to tell
    stop = stop_words()
    return sum(1 for t in toks if t in stop) >= ENGLISH_SHARE * len(toks)


def _camel_spellings(raw: Sequence[Sequence[str]], rawset: set[str]) -> dict[str, str]:
    """Folded singular -> the camel-case spelling the entry writes most ("CocoaPods").

    A word written "CocoaPods" thirty times and "cocoapods" once (a command,
    a leftover of a link) is a name: its id is made from the name as written,
    which keeps it whole (``tagids.camel_name``). Ties: the first in sort order.
    """
    by: dict[str, list[str]] = {}
    for f in rawset:
        if not f[1:].islower() and is_camel(f):  # most words: a quick no
            by.setdefault(singular(fold(f)), []).append(f)
    several = {f for fs in by.values() if len(fs) > 1 for f in fs}
    counts = Counter(f for toks in raw for f in toks if f in several) if several else Counter()
    return {k: min(fs, key=lambda f: (-counts[f], f)) for k, fs in by.items()}


def _forms(w: str) -> tuple[str, ...]:
    """Spellings whose ``singular`` may be ``w`` ("swift" <- "swifts", "policy" <- "policies")."""
    out = (w, w + "s", w + "es")
    return (*out, w[:-1] + "ies") if w.endswith("y") else out


def _needed(z: float, in_title: bool) -> int:
    """Occurrences a single word needs: fewer the rarer it is, one fewer in the title."""
    need = MIN_COUNT + (1 if z >= 4.0 else 0) - (1 if in_title else 0)
    return max(MIN_TITLE_COUNT, need)


def _factor(margin: float) -> float:
    """Specificity as a weight: how far under the commonness limit a keyword is."""
    return min(1.6, 0.6 + 0.25 * margin)
