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
from store.index.tokens import raw_tokens, singular
from store.index.wordlists import chrome, known_compounds, months_and_days, stop_words

__all__ = ["MAX_TAG_CHARS", "is_junk", "is_numberish", "normalize_tag"]

MAX_TAG_CHARS = 60
_NUMBERISH = re.compile(r"[\d.,]+(?:st|nd|rd|th|s|k|m|x|bn|b|%)?")
# multi-word ids whose last word must stay plural
_KEEP_PHRASES = frozenset({"united-states", "united-nations", "united-arab-emirates"})


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
    if sing != last and keeps_plural(tuple(raw), sing):
        return hyph  # a name, not a plural: "texas", "steve-jobs", "windows"
    return "-".join([*raw[:-1], sing])
