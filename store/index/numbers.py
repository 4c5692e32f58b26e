"""Figures in text, whatever their spelling: the strongest evidence of "the same fact".

Three sources reporting one recall write "62,000", "62k" and "sixty-two
thousand"; a deadline is "90 days", "a 90-day deadline" or "three months".
``figures`` turns each into one canonical key, so points and entries that
state the same figure meet on it:

* ``n:62000`` a count or amount (k/m/bn and thousand/million/billion applied,
  currency signs and codes ignored: the figure is what matters);
* ``d:90`` a duration in days (hours / 24, weeks x 7, months x 30, years x 365);
* ``p:80`` a percentage;
* ``y:2023`` a bare year, kept apart because years are shared by unrelated facts.

Number words are read as numbers ("nine", "four hundred", "thirty"), but a
lone "one" is not a figure ("one of its vehicles"). Pure functions, no state.
"""

from __future__ import annotations

import re

__all__ = ["NUMBER_WORDS", "figure_label", "figures", "is_strong"]

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
_DAYS = {
    "hour": 1 / 24,
    "hours": 1 / 24,
    "day": 1,
    "days": 1,
    "week": 7,
    "weeks": 7,
    "month": 30,
    "months": 30,
    "year": 365,
    "years": 365,
}
_PERCENT = {"%", "percent", "pct"}
#: words that spell figures: a figure is compared as a figure, never as a word
NUMBER_WORDS = frozenset(
    [*_UNITS, *_TENS, "hundred", "thousand", "million", "billion", "trillion", "percent"]
)
_NUMBER_STARTS = frozenset([*_UNITS, *_TENS])  # where a figure in words begins
_WORD = re.compile(r"\d[\d,]*(?:\.\d+)?|[a-z]+|%")


def _fmt(v: float) -> str:
    return str(int(round(v))) if abs(v - round(v)) < 1e-9 else f"{v:.3f}".rstrip("0")


_DIGIT = re.compile(r"\d")


def figures(text: str) -> set[str]:
    """Canonical keys of the figures ``text`` states (see the module doc).

    A figure starts at a digit or a number word; a text with neither (most
    titles and short points) is answered without walking its tokens.
    """
    folded = text.casefold().replace("-", " ").replace("\u2011", " ")
    toks = _WORD.findall(folded)
    out: set[str] = set()
    if _DIGIT.search(folded) is None and _NUMBER_STARTS.isdisjoint(toks):
        return out
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        value: float | None = None
        from_words = False
        if t[0].isdigit():
            raw = t.rstrip(",")
            if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?", raw):
                value = float(raw.replace(",", ""))
            i += 1
        elif t in _UNITS or t in _TENS:
            value, i = _read_words(toks, i)
            from_words = True
        else:
            i += 1
            continue
        if value is None:
            continue
        nxt = toks[i] if i < n else ""
        if nxt in _SCALES and not (nxt in ("m", "b") and from_words):
            value *= _SCALES[nxt]
            i += 1
            nxt = toks[i] if i < n else ""
        if from_words and value == 0:
            continue  # "zero-hours contracts", "zero tolerance"
        if nxt == "per" and i + 1 < n and toks[i + 1] == "cent":
            nxt = "percent"
            i += 1
        if nxt in _PERCENT:
            out.add("p:" + _fmt(value))
            i += 1
        elif nxt in _DAYS and not (t[0].isdigit() and len(t) == 4 and nxt.startswith("year")):
            out.add("d:" + _fmt(value * _DAYS[nxt]))
            i += 1
        elif from_words and value <= 1:
            continue  # "one of its vehicles", "zero-hours": a word, not a figure
        elif not from_words and value.is_integer() and 1900 <= value <= 2100 and "," not in t:
            out.add("y:" + _fmt(value))
        else:
            out.add("n:" + _fmt(value))
    return out


def _read_words(toks: list[str], i: int) -> tuple[float, int]:
    """A number written in words from ``toks[i]``: "sixty two thousand" -> 62000."""
    total, current, n = 0.0, 0.0, len(toks)
    while i < n:
        t = toks[i]
        if t in _UNITS:
            current += _UNITS[t]
        elif t in _TENS:
            current += _TENS[t]
        elif t == "hundred":
            current = (current or 1) * 100
        elif t in ("thousand", "million", "billion", "trillion"):
            total += (current or 1) * _SCALES[t]
            current = 0
        elif t == "and" and i + 1 < n and (toks[i + 1] in _UNITS or toks[i + 1] in _TENS):
            pass
        else:
            break
        i += 1
    return total + current, i


def is_strong(key: str) -> bool:
    """A figure that can tie two statements together on its own: not a year, not 0-2."""
    kind, _, v = key.partition(":")
    if kind == "y":
        return False
    try:
        return kind != "n" or float(v) > 2
    except ValueError:
        return False


def figure_label(key: str) -> str:
    """How a figure key reads in a reason: "62,000", "90 days", "80%", "2023"."""
    kind, _, v = key.partition(":")
    try:
        f = float(v)
    except ValueError:
        return v
    if kind == "p":
        return f"{v}%"
    if kind == "d":
        return f"{v} days" if f != 1 else "1 day"
    if kind == "y":
        return v
    for scale, word in ((1e9, "billion"), (1e6, "million")):
        if f >= scale and (f / scale) * 1000 == int((f / scale) * 1000):
            return f"{_fmt(f / scale)} {word}"
    return f"{int(f):,}" if f.is_integer() else v
