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
"""

from __future__ import annotations

import functools
import math
import re

__all__ = ["COMMON_ZIPF", "zipf", "zipf_in"]

COMMON_ZIPF = 4.6  # at or above: a common English word ("market", "window", "mother")

# wordfreq's preprocessing of these is NFC and casefold, its tokeniser a regex:
# both leave a word of ASCII letters as it is
_LATIN = frozenset({"en", "de", "fr", "es", "it", "pt", "nl"})
_PLAIN = re.compile("[a-z]+")


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of a folded word or phrase in English (0.0: unknown)."""
    return zipf_in(word, "en")


def zipf_in(word: str, lang: str) -> float:
    """``wordfreq.zipf_frequency(word, lang)``, without its tokeniser where it is a no-op."""
    if lang not in _LATIN or not _PLAIN.fullmatch(word):
        from wordfreq import zipf_frequency

        return float(zipf_frequency(word, lang))
    freqs = _FREQS.get(lang)
    if freqs is None:
        from wordfreq import get_frequency_dict

        freqs = _FREQS[lang] = get_frequency_dict(lang, "best")
    # the steps of wordfreq's word_frequency for one token without digits
    f = freqs.get(word)
    if f is None:
        freq = _MINIMUM
    else:
        unrounded = max(1.0 / (1.0 / f), _MINIMUM)
        freq = round(unrounded, math.floor(-math.log(unrounded, 10)) + 3)
    return round(math.log(freq, 10) + 9, 2)


# wordfreq's tables by language (its own cache is a call away), and the
# frequency of Zipf 0 (``zipf_to_freq(0)``, the default minimum)
_FREQS: dict[str, dict[str, float]] = {}
_MINIMUM = 10.0**0 / 1e9
