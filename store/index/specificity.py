"""How specific a word is in general English: ``wordfreq``'s Zipf scale, cached.

Why a frequency list and not only the library's own counts: a small or young
library cannot tell "data" from "Norcell" (both occur once), and a word's
rarity across the library depends on ingest order, which would make tags
depend on it; general-English frequency is the same for everyone, every time.
Zipf 6 is "the", 5 "data", 4 "chess", 3 "woodworking", 0 unknown (a new name).

Cost: ``wordfreq`` loads its table (about 0.1 s) on first use, so it is
imported lazily, and every lookup is memoised (the same words recur).
"""

from __future__ import annotations

import functools

__all__ = ["COMMON_ZIPF", "zipf"]

COMMON_ZIPF = 4.6  # at or above: a common English word ("market", "window", "mother")


@functools.lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """Zipf frequency of a folded word or phrase in English (0.0: unknown)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en"))
