"""How specific a word is in general English: ``wordfreq``'s Zipf scale, cached.

Why a frequency list and not only the library's own counts: a small or young
library cannot tell "data" from "Norcell" (both occur once), and a word's
rarity across the library depends on ingest order, which would make tags
depend on it; general-English frequency is the same for everyone, every time.
Zipf 6 is "the", 5 "data", 4 "chess", 3 "woodworking", 0 unknown (a new name).

Cost: every lookup is memoised (the same words recur). A plain
lower-case ASCII word in a language written in Latin letters is looked up in
the frequency table directly (``zipf_in``): ``zipf_frequency`` would run its
Unicode tokeniser over it first (about 8 µs a word, a third of an entry's
signature on a cold cache), and for such a word that tokeniser returns the
word itself, so the figure is the same to the last digit.

No language's table ever becomes a dict: turning one into a dict took
0.1-0.45 s (1.1 s for the six Latin ones) and held 25-90 MB, often for a
handful of words (a warm-up of 2000 signatures asked English for 33 and
built its 321,000-word dict, 25 MB, for them). Every language is looked up in a
sorted copy of wordfreq's bucket lists kept in the user's cache directory and
mapped (``store.index.zipfsorted``: about 2 µs a word in English, memoised
by the callers' caches), built once per wordfreq version. So neither a
daily refresh, which compiles the vocabulary (about 20 words, shipped in
``words/zipf_en.txt``) before it forks its parse workers, nor a worker
tagging a few hundred entries imports wordfreq (langcodes, ftfy, regex:
0.1-0.25 s) or fills a table. The bucket lists the sorted copy is built from are
read from wordfreq's data file with gzip and msgpack (``_pack``), as
``wordfreq.read_cBpack`` does, without importing wordfreq. A word wordfreq's tokeniser reads as one token without digits (``lossy_tokenize``:
"naïve", "когда") is looked up the same way, which is what ``zipf_frequency``
does for it; any other goes to ``zipf_frequency`` itself.
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

from store.cachefile import made_by
from store.index.zipfsorted import SortedWords, load

__all__ = ["COMMON_ZIPF", "SHIPPED", "zipf", "zipf_in"]

COMMON_ZIPF = 4.6  # at or above: a common English word ("market", "window", "mother")

# wordfreq's preprocessing of these is NFC and casefold, its tokeniser a regex:
# both leave a word of ASCII letters as it is
_LATIN = frozenset({"en", "de", "fr", "es", "it", "pt", "nl"})
_PLAIN = re.compile("[a-z]+")
# languages whose wordfreq tokeniser is a regex with no lookup transliteration:
# a word it reads as one token is looked up as that token
_SIMPLE = _LATIN | {"ru", "el"}


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of a folded word or phrase in English (0.0: unknown)."""
    known = _shipped().get(word)
    return known if known is not None else zipf_in(word, "en")


SHIPPED = Path(__file__).resolve().parent / "words" / "zipf_en.txt"


@functools.cache
def _shipped() -> dict[str, float]:
    """The English figures of the words the shipped vocabulary asks for, as wordfreq
    gives them (``words/zipf_en.txt``, written from it and held to it by
    ``tests/store/test_zipf_shipped.py``): compiling the default vocabulary, in
    the refresh's process and in each parse worker, reads no wordfreq table."""
    out: dict[str, float] = {}
    try:
        text = SHIPPED.read_text(encoding="utf-8")
    except OSError:  # a broken install: every word is looked up in wordfreq's table
        return out
    for line in text.splitlines():
        word, tab, figure = line.partition("\t")
        if tab and not word.startswith("#"):
            out[word] = float(figure)
    return out


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
    """The frequency wordfreq's table gives a token (None: not in it):
    ``get_frequency_dict(lang)[tok]`` without the dict (``store.index.zipfsorted``)."""
    i = _sorted(lang).bucket(tok)
    return None if i is None else _bucket_freq(i)


def _bucket_freq(i: int) -> float:
    """``wordfreq.cB_to_freq(-i)``: bucket ``i`` holds the words at -i centibels."""
    return float(10 ** (-i / 100))


@functools.cache
def _sorted(lang: str) -> SortedWords:
    """The language's words sorted in a mapped file, made from ``_pack`` once per
    installed wordfreq."""
    return load(f"{lang}-wordfreq-{made_by('wordfreq')}", lambda: _pack(lang))


def _pack(lang: str) -> list[list[str]]:
    """``wordfreq.get_frequency_list(lang, "best")``: its bucket lists.

    Read from wordfreq's data file directly (its "best" list is the large one
    where there is one) when that file is there and has the header
    ``read_cBpack`` checks; otherwise, or for a language it has only a small
    list of, through wordfreq itself.
    """
    import importlib.util

    spec = importlib.util.find_spec("wordfreq")
    where = spec.submodule_search_locations if spec is not None else None
    for folder in where or ():
        path = Path(folder) / "data" / f"large_{lang}.msgpack.gz"
        if path.is_file():
            import gzip

            import msgpack  # type: ignore[import-untyped]

            with gzip.open(path, "rb") as fh:
                data = msgpack.unpackb(fh.read(), raw=False)
            head = data[0] if isinstance(data, list) and data else None
            if isinstance(head, dict) and head.get("format") == "cB" and head.get("version") == 1:
                return list(data[1:])
    from wordfreq import get_frequency_list

    return list(get_frequency_list(lang, "best"))


# the frequency of Zipf 0 (``zipf_to_freq(0)``, the default minimum)
_MINIMUM = 10.0**0 / 1e9
