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
  which frequency cannot tell from an ordinary plural.
"""

from __future__ import annotations

import functools

from store.index.specificity import zipf
from store.index.wordlists import word_list

__all__ = [
    "BROKEN_SINGULAR_ZIPF",
    "fold_names",
    "given_names",
    "initials",
    "is_given_name",
    "keeps_plural",
]

BROKEN_SINGULAR_ZIPF = 3.0  # a "singular" rarer than this, and rarer than its plural, is no word
PLURAL_MARGIN = 0.9  # a "singular" this much rarer than its plural (Zipf) is not what is meant


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
    z_plural, z_sing = zipf(last), zipf(sing)
    if z_plural <= 0.0:
        return False  # an unknown word: fold its plural ("robotaxis" and "robotaxi" agree)
    # "texa", "christma": no word; "vega" of "Las Vegas": ten times rarer than the plural
    return z_sing < min(BROKEN_SINGULAR_ZIPF, z_plural + 0.05) or z_sing < z_plural - PLURAL_MARGIN


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
