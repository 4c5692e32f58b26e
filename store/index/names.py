"""Names are names: which tag words keep their final "s", and which words are given names.

A tag id singularises its last word so "Data Centers" and "Data Center" are
one tag. A name is not a plural: "Texas", "Reuters", "iTunes", "OnePlus",
"Steve Jobs", "Windows", "New York Times" stay whole. The rules, all a pure
function of the folded words (so an id normalises to itself):

* the would-be singular is not an English word while the word is
  ("texa", "christma", "reuter", "itune", "oneplu", "watcho"), or is far
  rarer than the word ("Las Vegas", "headquarters"): word frequency;
* the tag starts with a given name: a person ("steve-jobs");
* the word is a known name ending ("windows", "times": ``words/name_plurals.txt``),
  which frequency cannot tell from an ordinary plural;
* the tag is an organisation's name: two words or more, the last a trade
  plural that ends company names ("motors", "systems", "works":
  ``words/org_plurals.txt``) and the first a rare word that is not shaped
  like an adjective (``name_head``: "Ampwell Motors", "Pellucid Systems",
  "Kestrel Terminals"; "electric motors", "neural networks", "agentic
  systems" are plurals and fold). A tag id has lost its capitals, so the
  rarity and the shape of its first word are what say "name"; a name with an
  everyday first word ("General Motors") still folds, as before;
* the tag has "of" inside ("Federation of Locomotive Crews", ``join_of_names``):
  only a name is a tag of that shape.

One rule reads the spelling instead (``tagids.camel_name``): a last word
written in camel case that no dictionary knows ("CocoaPods", "MLOps") is a
product's name, not an unknown plural to fold like "hyperscalers". Its id
("cocoapods") has lost the capitals, so tagging and the user's tags take such
an id back as it is (``tagids.as_tag_id``) rather than normalising it again.
And one reads the entry (``pluralnames``): a name in running text whose
everyday plural the entry never writes otherwise ("Star Wars", "Clint
Watts": no "war", no "watts" in small letters) keeps its plural.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

from store.index.specificity import zipf
from store.index.wordlists import word_list

__all__ = [
    "BROKEN_SINGULAR_ZIPF",
    "fold_names",
    "given_names",
    "initials",
    "join_of_names",
    "is_given_name",
    "keeps_plural",
    "name_head",
]

BROKEN_SINGULAR_ZIPF = 3.0  # a "singular" rarer than this, and rarer than its plural, is no word
PLURAL_MARGIN = 0.9  # a "singular" this much rarer than its plural (Zipf) is not what is meant
NAME_HEAD_ZIPF = 3.0  # a first word rarer than this may head a name ("kestrel" 2.47)
# endings of adjectives, which head descriptions ("agentic systems"), not names
_ADJECTIVE_ENDINGS = ("ic", "al", "ive", "ous", "ed", "ing", "ary", "able", "ible", "ful", "less")


def given_names() -> frozenset[str]:
    """Common given names (folded): never a topic alone."""
    return word_list("given_names")


def is_given_name(word: str) -> bool:
    return word in given_names()


@functools.lru_cache(maxsize=65_536)
def keeps_plural(words: tuple[str, ...], sing: str) -> bool:
    """Whether the last of ``words`` (folded) stays whole instead of becoming ``sing``."""
    last = words[-1]
    if sing == last:
        return False
    if last in word_list("name_plurals"):
        return True
    if len(words) > 1 and words[0] in given_names():
        return True
    if len(words) > 1 and last in word_list("org_plurals") and name_head(words[0]):
        return True
    if len(words) >= 3 and "of" in words[1:-1]:
        return True  # "Federation of Locomotive Crews": a phrase with "of" inside is a name
    z_plural, z_sing = zipf(last), zipf(sing)
    if z_plural <= 0.0:
        return False  # an unknown word: fold its plural ("robotaxis" and "robotaxi" agree)
    # "texa", "christma": no word; "vega" of "Las Vegas": ten times rarer than the plural
    return z_sing < min(BROKEN_SINGULAR_ZIPF, z_plural + 0.05) or z_sing < z_plural - PLURAL_MARGIN


def name_head(word: str) -> bool:
    """Whether ``word`` may start an organisation's name: rare, and not shaped like an adjective."""
    return zipf(word) < NAME_HEAD_ZIPF and not word.endswith(_ADJECTIVE_ENDINGS)


Counts = tuple[int, int, int]


def initials(tag: str) -> str:
    """First letters of a tag's words, minor words left out ("data-protection-commission" -> dpc)."""
    return "".join(w[0] for w in tag.split("-") if w and w not in _MINOR)


_MINOR = frozenset({"of", "and", "for", "the", "on", "in", "to", "de"})


def fold_names(found: dict[str, Counts]) -> dict[str, Counts]:
    """One entry's names, the short forms folded into the long ones they stand for.

    "Corvid" in a piece about "Corvid Mobility", or "DPC" beside "Data
    Protection Commission", is the same name written short: its occurrences
    count for the long form, which is the tag.
    """
    if len(found) < 2:
        return found
    out = dict(found)
    longest = sorted(out, key=lambda t: (-t.count("-"), t))
    for short in sorted(out, key=lambda t: (t.count("-"), t)):
        if short not in out:
            continue
        padded = f"-{short}-"
        for long in longest:
            if long == short or long not in out or long.count("-") <= short.count("-"):
                continue
            if padded in f"-{long}-" or ("-" not in short and initials(long) == short):
                a, b = out.pop(short), out[long]
                out[long] = (a[0] + b[0], a[1] + b[1], a[2] + b[2])
                break
    return out


MAX_OF_SIDE = 3  # words of a name on each side of "of"


def join_of_names(
    found: dict[str, Counts], raw: Sequence[Sequence[str]], tag_of: Callable[[str], str]
) -> dict[str, Counts]:
    """Two names joined by "of" in the text are one name: "Federation of Locomotive Crews".

    Discovery ends a name at a function word, so "Federation of Locomotive
    Crews" comes out as "federation" and "locomotive-crew", and the tag
    named neither. When both halves are names of this entry and the text
    writes them as ``A of B`` (capitalised words on both sides), the whole
    name is the tag; its occurrences count for it, and ``fold_names`` then
    folds the halves' other mentions ("the Federation") into it. Both halves
    must be names already, so "Bank of England" or "University of Texas"
    (a common word on one side) are left as they were. ``raw`` are the
    entry's tokens as written, by field (``Evidence.raw``); ``tag_of`` is
    ``tagids.normalize_tag``, passed in because tagids imports this module.
    """
    if len(found) < 2:
        return found
    out = dict(found)
    for f, toks in enumerate(raw):
        n = len(toks)
        for i in range(1, n - 1):
            if toks[i] != "of" or not toks[i - 1][:1].isupper() or not toks[i + 1][:1].isupper():
                continue
            left = _side(toks[max(0, i - MAX_OF_SIDE) : i][::-1], out, tag_of, before=True)
            right = _side(toks[i + 1 : i + 1 + MAX_OF_SIDE], out, tag_of, before=False)
            if left is None or right is None:
                continue
            (ltag, lwords), (rtag, rwords) = left, right
            whole = tag_of(" ".join([*lwords, "of", *rwords]))
            if not whole or whole in (ltag, rtag):
                continue
            for t in (ltag, rtag):
                c = list(out[t])
                c[f] = max(0, c[f] - 1)
                if sum(c):
                    out[t] = (c[0], c[1], c[2])
                else:
                    del out[t]
            w = list(out.get(whole, (0, 0, 0)))
            w[f] += 1
            out[whole] = (w[0], w[1], w[2])
    return out


def _side(
    words: Sequence[str], found: dict[str, Counts], tag_of: Callable[[str], str], *, before: bool
) -> tuple[str, list[str]] | None:
    """The longest capitalised run of ``words`` (nearest "of" first) that is a name in ``found``.

    Returns (tag, the run in reading order); ``before``: the words precede "of".
    """
    run: list[str] = []
    for w in words:
        if not w[:1].isupper():
            break
        run.append(w)
    while run:
        spelled = run[::-1] if before else run
        tag = tag_of(" ".join(spelled))
        if tag in found:
            return tag, spelled
        run = run[:-1]
    return None
