"""Tag ids: one canonical spelling for every way a tag is written.

Lowercase, accents folded, words joined by hyphens ("open-source",
"mental-health"), the last word made singular ("LLMs" -> "llm"). A name that
is one word but often written as two ("Deep Seek", "Open AI") is spelled as
one ("deepseek", "openai") when its compact form is a known compound
(``words/known_compounds.txt``). Chrome, stop words, numbers and dates
normalise to "" (no tag).

Ids are a pure function of the text, so a tag the user removed from an entry
matches the one re-tagging produces (it stays removed), and a feed's
``tags:``, the vocabulary, discovered names and what the user types all meet.
"""

from __future__ import annotations

import functools
import re

from store.index.names import keeps_plural
from store.index.specificity import zipf
from store.index.tokens import fold, raw_tokens, singular
from store.index.wordlists import chrome, known_compounds, months_and_days, stop_words

__all__ = [
    "MAX_TAG_CHARS",
    "as_tag_id",
    "camel_name",
    "is_camel",
    "is_junk",
    "is_numberish",
    "normalize_tag",
]

MAX_TAG_CHARS = 60
_NUMBERISH = re.compile(r"[\d.,]+(?:st|nd|rd|th|s|k|m|x|bn|b|%)?")
# multi-word ids whose last word must stay plural
_KEEP_PHRASES = frozenset({"united-states", "united-nations", "united-arab-emirates"})
_WORD = re.compile(r"[^\W_]+")
# a capital inside a word after a small letter ("CocoaPods", "iTunes"), or
# capitals then small letters ("MLOps"); not an acronym's plural ("LLMs")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2}[a-z]{2}")


def is_numberish(tok: str) -> bool:
    """A number, an ordinal, a decade or an amount ("3.5", "21st", "1990s", "10k", "5%")."""
    return _NUMBERISH.fullmatch(tok) is not None


def is_junk(raw: list[str]) -> bool:
    """Chrome, stop words, numbers, dates and single letters are never tags."""
    if not raw:
        return True
    phrase = " ".join(raw)
    sing = " ".join([*raw[:-1], singular(raw[-1])])
    furniture = chrome()
    if phrase in furniture or sing in furniture or "".join(raw) in furniture:
        return True
    if len(phrase) > MAX_TAG_CHARS:
        return True
    stop = stop_words()
    if all(t in stop or is_numberish(t) for t in raw):
        return True
    dates = months_and_days()
    if all(t in dates or is_numberish(t) for t in raw):
        return True
    return len(raw) == 1 and len(raw[0]) == 1


@functools.lru_cache(maxsize=65_536)
def normalize_tag(s: str) -> str:
    """The canonical tag id for any spelling; "" for junk or chrome.

    Memoised: the same spellings come back with every entry (feed categories,
    vocabulary hits, discovered names), and the id is a pure function of ``s``.

    "Open Source", "open-source", "open_source" -> "open-source";
    "Deep Seek", "DeepSeek", "deepseek" -> "deepseek"; "LLMs" -> "llm";
    "Data Centers" -> "data-center"; names keep their "s" ("Texas", "Steve
    Jobs", "iTunes": ``store.index.names.keeps_plural``).
    """
    if not s:
        return ""
    raw = raw_tokens(s[:200])
    if is_junk(raw):
        return ""
    compact = "".join(raw)
    compounds = known_compounds()
    for c in (compact, compact[:-1] if compact.endswith("s") else ""):
        if c and c in compounds:
            return c
    last = raw[-1]
    hyph = "-".join(raw)
    if hyph in _KEEP_PHRASES:
        return hyph
    sing = singular(last)
    if sing != last and (keeps_plural(tuple(raw), sing) or camel_name(s, last)):
        return hyph  # a name, not a plural: "texas", "steve-jobs", "windows", "cocoapods"
    return "-".join([*raw[:-1], sing])


def camel_name(spelled: str, last: str) -> bool:
    """Whether the last word, written in camel case ("CocoaPods"), is a name no dictionary knows.

    Word frequency tells "Texas" and "iTunes" from plurals; a product name it
    does not know at all ("CocoaPods", "MLOps") would fold like an unknown
    plural ("robotaxis" -> "robotaxi"). Its capitals are what say "name", so
    this rule reads the spelling: the folded id ("cocoapods") is no longer
    camel case, and ``as_tag_id`` takes it back as it is (tagging, the
    user's tags, a query's +tag).
    """
    if zipf(last) > 0.0:
        return False  # a word the dictionary knows: the frequency rules decide
    words = _WORD.findall(spelled[-200:])
    return bool(words) and fold(words[-1]) == last and is_camel(words[-1])


def is_camel(word: str) -> bool:
    """Camel case, as a name is written ("CocoaPods", "iTunes", "MLOps"; not "LLMs", "Texas")."""
    return _CAMEL.search(word) is not None


@functools.lru_cache(maxsize=65_536)
def as_tag_id(tag: str) -> str:
    """A tag id again (``normalize_tag``), except a name an id kept whole by its spelling.

    Normalising an id gives the id, but for a camel-case name (``camel_name``):
    "cocoapods", folded, has lost the capitals that kept it whole. An id that
    is its own words joined, whose last word no dictionary knows, and that
    normalising would only singularise is such a name: it stays as it is.
    """
    again = normalize_tag(tag)
    if again == tag or not again:
        return again
    words = raw_tokens(tag)
    if (
        "-".join(words) == tag
        and again == "-".join([*words[:-1], singular(words[-1])])
        and zipf(words[-1]) <= 0.0  # no dictionary word: what ``camel_name`` keeps
    ):
        return tag
    return again
