"""How specific a word is in general English: ``wordfreq``'s Zipf scale, cached.

Why a frequency list and not only the library's own counts: a small or young
library cannot tell "data" from "Norcell" (both occur once), and a word's
rarity across the library depends on ingest order, which would make tags
depend on it; general-English frequency is the same for everyone, every time.
Zipf 6 is "the", 5 "data", 4 "chess", 3 "woodworking", 0 unknown (a new name).

Cost: ``wordfreq`` loads its table (about 0.1 s) on first use, so it is
imported lazily, and every lookup is memoised (the same words recur). A plain
lower-case ASCII word in a language written in Latin letters is looked up in
the frequency table directly (``zipf_in``): ``zipf_frequency`` would run its
Unicode tokeniser over it first (about 8 µs a word, a third of an entry's
signature on a cold cache), and for such a word that tokeniser returns the
word itself, so the figure is the same to the last digit.

The other languages' tables (a word of a non-English entry, or with an accent,
is looked up in six or eight of them) cost 0.12-0.45 s each to turn into a
dict, 1.1 s for the six Latin ones: most of a fresh process's signatures on a
library of a few thousand entries, for what are often a handful of words. So
a table other than English answers its first ``LAZY_LOOKUPS`` words from
wordfreq's own bucket lists (sorted within a bucket: a bisect per bucket,
about 0.8 ms a word) and becomes a dict only when more are asked. A word
wordfreq's tokeniser reads as one token without digits (``lossy_tokenize``:
"naïve", "когда") is looked up the same way, which is what ``zipf_frequency``
does for it; any other goes to ``zipf_frequency`` itself.
"""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_left

__all__ = ["COMMON_ZIPF", "LAZY_LOOKUPS", "zipf", "zipf_in"]

COMMON_ZIPF = 4.6  # at or above: a common English word ("market", "window", "mother")

# wordfreq's preprocessing of these is NFC and casefold, its tokeniser a regex:
# both leave a word of ASCII letters as it is
_LATIN = frozenset({"en", "de", "fr", "es", "it", "pt", "nl"})
_PLAIN = re.compile("[a-z]+")
# languages whose wordfreq tokeniser is a regex with no lookup transliteration:
# a word it reads as one token is looked up as that token
_SIMPLE = _LATIN | {"ru", "el"}
LAZY_LOOKUPS = 32  # words a table other than English answers before it becomes a dict


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of a folded word or phrase in English (0.0: unknown)."""
    return zipf_in(word, "en")


def zipf_in(word: str, lang: str) -> float:
    """``wordfreq.zipf_frequency(word, lang)``, without its tokeniser where it is a no-op."""
    tok = word if lang in _LATIN and _PLAIN.fullmatch(word) else _one_token(word, lang)
    if tok is None:
        from wordfreq import zipf_frequency

        return float(zipf_frequency(word, lang))
    # the steps of wordfreq's word_frequency for one token without digits
    f = _frequency(tok, lang)
    if f is None:
        freq = _MINIMUM
    else:
        unrounded = max(1.0 / (1.0 / f), _MINIMUM)
        freq = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
    return round(math.log(freq, 10) + 9, 2)


def _one_token(word: str, lang: str) -> str | None:
    """The one token without digits wordfreq reads ``word`` as, or None (another case)."""
    if lang not in _SIMPLE:
        return None
    from wordfreq.numbers import smash_numbers
    from wordfreq.tokens import lossy_tokenize

    toks = lossy_tokenize(word, lang)
    if len(toks) != 1 or smash_numbers(toks[0]) != toks[0]:
        return None  # several tokens, or digits wordfreq estimates apart
    return str(toks[0])


def _frequency(tok: str, lang: str) -> float | None:
    """The frequency wordfreq's table gives a token (None: not in it)."""
    freqs = _FREQS.get(lang)
    if freqs is not None:
        return freqs.get(tok)
    asked = _ASKED[lang] = _ASKED.get(lang, 0) + 1
    if lang != "en" and asked <= LAZY_LOOKUPS:
        return _in_buckets(tok, lang)
    from wordfreq import get_frequency_dict

    freqs = _FREQS[lang] = get_frequency_dict(lang, "best")
    return freqs.get(tok)


def _in_buckets(tok: str, lang: str) -> float | None:
    """``get_frequency_dict(lang)[tok]`` from the bucket lists, without the dict.

    The dict gives a word the last bucket that holds it, so the buckets are
    searched from the last.
    """
    from wordfreq import cB_to_freq, get_frequency_list

    pack = get_frequency_list(lang, "best")
    for i in range(len(pack) - 1, -1, -1):
        bucket = pack[i]
        j = bisect_left(bucket, tok)
        if j < len(bucket) and bucket[j] == tok:
            return float(cB_to_freq(-i))
    return None


# wordfreq's tables by language (its own cache is a call away), the lookups
# each lazy table answered, and the frequency of Zipf 0 (``zipf_to_freq(0)``,
# the default minimum)
_FREQS: dict[str, dict[str, float]] = {}
_ASKED: dict[str, int] = {}
_MINIMUM = 10.0**0 / 1e9
