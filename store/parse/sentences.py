"""A sentence splitter that knows abbreviations, initials, numbers and quotes.

Why our own and not pysbd: pysbd is one language at a time and costs ~1 ms a
paragraph; feeds mix languages and a refresh splits tens of thousands of
paragraphs. The rules here are the few that matter for key points a reader
keeps (``tests/store/test_key_points.py`` holds each one):

* a boundary is ``.``, ``!``, ``?`` or ``…`` (with closing quotes/brackets kept
  on the sentence) followed by space and a capital, a digit or an opening
  quote; CJK full stops (``。！？``) end a sentence with or without a space;
* no boundary after a known abbreviation (titles, "e.g.", "z.B.", "nr." in the
  languages we meet), after a single letter (initials: "J. R. R. Tolkien",
  "Robert C. Martin"), after a dotted acronym ("U.S."), after "No."/"nr."/"Ep."
  and their kin when a number follows, or after a day number when a month
  name follows ("1. Mai");
* URLs and decimals hold no space, so they never split.

Linear: one regex scan of candidate boundaries, a constant-time test each.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

# abbreviations (lower case, without the final dot) after which a capital
# letter does not start a new sentence
_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "mx",
        "dr",
        "drs",
        "prof",
        "st",
        "sr",
        "jr",
        "sen",
        "rep",
        "gen",
        "gov",
        "lt",
        "col",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "pres",
        "supt",
        "det",
        "insp",
        "rev",
        "hon",
        "messrs",
        "mt",
        "ft",
        "vs",
        "v",
        "cf",
        "al",
        "approx",
        "dept",
        "univ",
        "assn",
        "bros",
        "inc",
        "ltd",
        "corp",
        "co",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "ph.d",
        "b.a",
        "m.a",
        "m.s",
        "z.b",
        "bzw",
        "ca",
        "hr",
        "fr",
        "frl",
        "nr",
        "str",
        "vgl",
        "evtl",
        "ggf",
        "inkl",
        "bspw",
        "sog",
        "u.a",
        "d.h",
        "o.ä",
        "dipl",
        "ing",
        "mag",
        "mme",
        "mlle",
        "mm",
        "ste",
        "p.ex",
        "env",
        "sra",
        "srta",
        "dra",
        "ud",
        "uds",
        "pág",
        "núm",
        "avda",
        "sto",
        "sta",
        "sig",
        "dott",
        "avv",
        "geom",
        "ecc",
        "dhr",
        "mevr",
        "ir",
        "bijv",
        "o.a",
        "blz",
        "pí",
        "mgr",
        "mudr",
        "judr",
        "phdr",
        "doc",
        "napr",
        "tzv",
        "tj",
        "č",
        "s.r.o",
        "a.s",
        "resp",
        "κ",
        "π.χ",
        "δηλ",
        "αρ",
        "σελ",
        "δρ",
        "г",
        "гг",
        "ул",
        "д",
        "т.е",
        "т.к",
        "им",
        "стр",
        "см",
        "тыс",
        "млн",
        "млрд",
        "руб",
        "напр",
        "проф",
        "акад",
        "пр",
    ]
)
# words that abbreviate before a number: "No. 5", "nr. 1", "Ep. 11", "Jan. 5"
_BEFORE_NUMBER = frozenset(
    [
        "no",
        "nr",
        "nº",
        "núm",
        "num",
        "art",
        "p",
        "pp",
        "vol",
        "ch",
        "chap",
        "fig",
        "ep",
        "eps",
        "sec",
        "tel",
        "pt",
        "op",
        "s",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_MONTHS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "januar",
        "februar",
        "märz",
        "mai",
        "juni",
        "juli",
        "oktober",
        "dezember",
        "jänner",
        "janvier",
        "février",
        "mars",
        "avril",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "gennaio",
        "febbraio",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "settembre",
        "ottobre",
        "dicembre",
        "januari",
        "februari",
        "maart",
        "mei",
        "augustus",
    ]
)
_CANDIDATE_RE = re.compile(r"([.!?…]+)([\"'”’»)\]]*)(\s+)|([。！？]+[」』”’）)]*)\s*")
_OPENERS = "\"'“‘«([¿¡„"


def _starts_sentence(text: str, i: int) -> bool:
    """Does the text at ``i`` look like the start of a sentence (capital, digit, quote)?"""
    n = len(text)
    while i < n and text[i] in _OPENERS:
        i += 1
    if i >= n:
        return False
    c = text[i]
    return c.isupper() or c.isdigit() or not c.isalpha() and not c.isspace() and c not in ",;:"


def _token_before(text: str, end: int) -> str:
    """The word that ends at ``end`` (exclusive), without opening brackets or quotes."""
    start = text.rfind(" ", 0, end) + 1
    return text[start:end].lstrip(_OPENERS)


def _next_word(text: str, i: int) -> str:
    j = text.find(" ", i)
    return text[i : j if j >= 0 else len(text)].strip(_OPENERS + ".,;:!?").lower()


def _holds(text: str, dot_at: int, marks: str, nxt: int) -> bool:
    """True when the ``.`` at ``dot_at`` is not a sentence end (abbreviation and kin)."""
    if marks != ".":
        return False  # "!", "?", "…", "..." end sentences
    tok = _token_before(text, dot_at)
    if not tok:
        return False
    low = tok.lower()
    if low in _ABBREV:
        return True
    if len(tok) == 1 and tok.isalpha():
        return True  # an initial: "J. R. R.", "Robert C. Martin", "z. B."
    if "." in tok and all(len(p) <= 2 for p in tok.split(".")) and tok.replace(".", "").isalpha():
        return True  # a dotted acronym: "U.S", "e.g", "i.e" in any case
    nxt_word = _next_word(text, nxt)
    if low in _BEFORE_NUMBER and nxt_word[:1].isdigit():
        return True
    return tok.isdigit() and len(tok) <= 2 and nxt_word in _MONTHS  # "1. Mai"


def split_sentences(text: str, limit: int = 1000) -> list[str]:
    """Sentences of one paragraph (whitespace collapsed), at most ``limit`` of them."""
    text = " ".join(text.split())
    if not text:
        return []
    out: list[str] = []
    start = 0
    for m in _CANDIDATE_RE.finditer(text):
        if m.group(4) is not None:  # CJK full stop: always a boundary
            cut, nxt = m.start(4) + len(m.group(4)), m.end()
        else:
            nxt = m.end()
            if not _starts_sentence(text, nxt) or _holds(text, m.start(1), m.group(1), nxt):
                continue
            cut = m.start(3)
        piece = text[start:cut].strip()
        if piece:
            out.append(piece)
            if len(out) >= limit:
                return out
        start = nxt
    rest = text[start:].strip()
    if rest:
        out.append(rest)
    return out[:limit]
