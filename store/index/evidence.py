"""What counts as evidence for a tag: an entry's own words, by field, with their case.

Why a second reading of the text (the word index reads ``entry_text`` whole):
a tag must rest on what the entry *says*. Text inside URLs and e-mail
addresses ("/us/", "twitter.com/..."), code, the label of a link ("Youtube:
https://...") and share/subscribe chrome ("Follow us on Twitter", "See Privacy
Policy at ...") say nothing about the topic, yet they made ``social-media``,
``privacy`` and ``united-states`` the commonest tags of real feeds.

Fields weigh differently (``store.index.salience``): the title, the lead
(summary and key points; for a plain article or post, the start of its body)
and the details (sections and the rest of the body). Replies are left out.

Case is kept beside each token (``case_class``) so "US" and "U.S." can mean
the country while "us" never does; a line in capitals says nothing about case
and is read in lower case.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NamedTuple, Protocol

from store.index.tokens import (
    Content,
    _has_words,
    _section_parts,
    ascii_words,
    singular,
    split_ascii,
)
from store.index.wordlists import word_list

__all__ = [
    "LEAD_CHARS",
    "CaseSeq",
    "Cases",
    "Evidence",
    "case_class",
    "cased_tokens",
    "clean",
    "evidence",
    "fields",
]

LEAD_CHARS = 600  # body text read as the lead when there is no summary or key points

_FENCE = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]{1,200}`")
_IDENTIFIER = re.compile(r"\b[^\W_]*_\w*")
_URL = re.compile(
    r"(?:https?://|ftp://|www\.)\S+"
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"  # e-mail
    r"|\b(?:[a-z0-9-]+\.)+(?:com|org|net|io|fm|co|tv|ly|me|uk|de|app|dev|ai|gg|us|info|link|site)"
    r"\b(?:/\S*)?"
    r"|(?<!\w)@\w{2,}",  # a handle
    re.IGNORECASE,
)
_URL_MARK = "\x00"
_PIECES = re.compile(r"(?<=[.!?;])\s+|\n+|\s[|\u2022\u00b7]\s")
_WORD = re.compile(r"[^\W_]+")
_CASED_TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+(?:\+\+|#)?")
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_POSSESSIVE = re.compile(r"(?<=\w)['\u2019]s\b")
_APOSTROPHE = re.compile(r"(?<=\w)['\u2019](?=\w)")
_TLDS = "com|org|net|io|fm|co|tv|ly|me|uk|de|app|dev|ai|gg|us|info|link|site"
_TLD = re.compile(rf"\w\.(?:{_TLDS})\b", re.I)
# what every _TLD match holds, starting with a literal: the engine skips to each
# "." instead of trying the pattern at every word character (~9x faster on prose)
_TLD_HINT = re.compile(rf"\.(?:{_TLDS})", re.I)
_CAPS_RUN = re.compile(r"[A-Z]{3}[^a-z]{5}")
_CAPS_ONLY = bytes(65 if 65 <= c <= 90 else 32 for c in range(256))  # ASCII capitals, else " "
CHROME_PIECE_CHARS = 160  # longer pieces are prose, never chrome
LINK_LABEL_WORDS = 5  # words before a URL read as its label
CHROME_PIECE_WORDS = 14  # a piece this short holding a share cue is chrome


def _share_cues() -> frozenset[str]:
    return word_list("share_chrome")


@functools.cache
def _cue_firsts() -> frozenset[str]:
    return frozenset(c.split()[0] for c in _share_cues())


_EDGE_PUNCT = ".,:;!?()[]{}\"'\u201c\u201d\u2018\u2019-|*#"


def _is_chrome(piece: str) -> bool:
    firsts = _cue_firsts()
    if firsts.isdisjoint([w.strip(_EDGE_PUNCT) for w in piece.lower().split()]):
        return False  # the cheap test: no cue word at all
    if _cue_re().search(piece) is None:
        return False
    return len(_WORD.findall(piece)) <= CHROME_PIECE_WORDS


def _drop_link_labels(piece: str) -> str:
    """A URL goes, and so does the short label before it ("Youtube: <url>")."""
    parts = piece.split(_URL_MARK)
    kept = [_drop_label(p) for p in parts[:-1]] + parts[-1:]
    return " ".join(p for p in kept if p.strip())


def _drop_label(part: str) -> str:
    if len(_WORD.findall(part)) <= LINK_LABEL_WORDS:
        return ""
    body = part.rstrip().rstrip(":-\u2013\u2014(").rstrip()
    cut = max(body.rfind(c) for c in ".!?:;")
    if cut >= 0 and len(_WORD.findall(body[cut + 1 :])) <= LINK_LABEL_WORDS:
        return body[: cut + 1]
    return part


@functools.cache
def _cue_re() -> re.Pattern[str]:
    return _cue_pattern(_share_cues())


def _cue_pattern(cues: Iterable[str]) -> re.Pattern[str]:
    """Any of ``cues`` as whole words, any non-word run between their words."""
    longest_first = sorted(cues, key=len, reverse=True)
    words = (r"[\W_]+".join(map(re.escape, c.split())) for c in longest_first)
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)


_LETTERS_ONLY = bytes(c if (65 <= c <= 90 or 97 <= c <= 122) else 32 for c in range(256))


def _may_hold_cue(text: str) -> bool:
    """Could a piece of ``text`` be share chrome? Only if a cue's first word is
    a word of it and, for an ASCII text, the cues starting with those words are
    found in it. A piece is part of the text, so a cue in a piece is in the text:
    no means no piece is chrome. Most prose holds a first word ("all", "like",
    "join") and no cue, and one search of the few cues those words start is
    cheaper than testing every sentence."""
    if not text.isascii():
        low = text.lower()
        return any(c in low for c in _cue_firsts())
    words = text.encode("ascii").translate(_LETTERS_ONLY).decode("ascii").lower().split()
    firsts = _cue_firsts().intersection(words)
    return bool(firsts) and _cues_starting(frozenset(firsts)).search(text) is not None


@functools.lru_cache(maxsize=512)
def _cues_starting(firsts: frozenset[str]) -> re.Pattern[str]:
    """``_cue_re`` narrowed to the cues whose first word is one of ``firsts``."""
    return _cue_pattern(c for c in _share_cues() if c.split()[0] in firsts)


def _has_domain(text: str) -> bool:
    """``_TLD.search(text) is not None``, decided by a cheaper search when it is not."""
    return _TLD_HINT.search(text) is not None and _TLD.search(text) is not None


def _has_caps_run(text: str) -> bool:
    """``_CAPS_RUN.search(text) is not None``: its run starts with three ASCII capitals,
    looked for in C first (a text's UTF-8 bytes with all but those capitals blanked;
    a character beyond ASCII is only bytes above 127, so it blanks too)."""
    caps = text.encode("utf-8", "surrogatepass").translate(_CAPS_ONLY)
    return b"AAA" in caps and _CAPS_RUN.search(text) is not None


def clean(text: str) -> str:
    """``text`` without code, URLs, e-mail addresses, link labels and share chrome.

    Cheap on the common case: only short pieces (sentences, lines) are tested
    for chrome, and the URL pattern runs only when a cheap test finds a hint.
    """
    if not text:
        return ""
    if "`" in text:
        text = _INLINE_CODE.sub(" ", _FENCE.sub(" ", text))
    n = 0
    if "://" in text or "www." in text or "@" in text or _has_domain(text):
        text, n = _URL.subn(_URL_MARK, text)
    if "_" in text:
        text = _IDENTIFIER.sub(" ", text)  # en_US, max_tokens: code, not words
    if not n and not _has_caps_run(text) and not _may_hold_cue(text):
        return text  # nothing to drop: the common case, decided in C
    pieces = _PIECES.split(text)
    changed = False
    for i, piece in enumerate(pieces):
        if n and _URL_MARK in piece:
            piece = _drop_link_labels(piece)
            changed = True
        if len(piece) <= CHROME_PIECE_CHARS:
            if _is_chrome(piece):
                piece = ""
                changed = True
            elif piece.isupper() and len(piece) >= 8:
                piece = piece.lower()  # a line in capitals carries no case
                changed = True
        pieces[i] = piece
    return "\n".join(p for p in pieces if p) if changed else text


def _strip_marks(text: str) -> str:
    if "'" in text or "\u2019" in text:
        text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", text))
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text


def cased_tokens(text: str) -> list[str]:
    """Tokens as written (accents and apostrophes dropped, case kept): for phrases."""
    return _CASED_TOKEN.findall(_strip_marks(text))


def case_class(tok: str) -> str:
    """ "U" all capitals ("US", "GPUs"), "C" capitalised or camel ("Texas", "iPhone"), "l" else."""
    if tok[:1].isupper():
        core = tok[:-1] if len(tok) > 2 and tok.endswith("s") else tok
        return "U" if core.isupper() else "C"
    if not tok.islower() and any(c.isupper() for c in tok):
        return "C"
    return "l"


class CaseSeq(Protocol):
    """Case classes by token position: a str of them, or ``Cases`` (computed on demand)."""

    def __getitem__(self, i: int, /) -> str: ...


class Cases:
    """Case classes of cased tokens, computed only where a match asks (most never are)."""

    __slots__ = ("raw",)

    def __init__(self, raw: Sequence[str]) -> None:
        self.raw = raw

    def __getitem__(self, i: int) -> str:
        return case_class(self.raw[i])

    def __len__(self) -> int:
        return len(self.raw)


class Evidence(NamedTuple):
    """One entry's evidence: folded tokens and tokens as written, by field.

    Fields: title, lead, details (see ``fields``).
    """

    tokens: tuple[list[str], list[str], list[str]]
    raw: tuple[list[str], list[str], list[str]]
    head: str = ""  # title and lead, cleaned: where discovery looks for names

    @property
    def cases(self) -> tuple[Cases, Cases, Cases]:
        return Cases(self.raw[0]), Cases(self.raw[1]), Cases(self.raw[2])

    def all_tokens(self) -> list[str]:
        return [*self.tokens[0], *self.tokens[1], *self.tokens[2]]


_ASCII_KEEP = bytes(
    c if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122) else 32 for c in range(256)
)


_CLITICS = frozenset({"s", "t", "d", "ll", "re", "ve", "m"})  # "DeepSeek's", "don't"


def _field(text: str) -> tuple[list[str], list[str], str]:
    text = clean(text)
    plain = text if text.isascii() else _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    a = ascii_words(plain)
    if a is not None and "+" not in a and "#" not in a:
        raw = split_ascii(a, _ASCII_KEEP)  # the tokens _CASED_TOKEN finds, 3-4x faster
    else:
        raw = _CASED_TOKEN.findall(plain)
    if "'" in plain or "\u2019" in plain:
        raw = [t for t in raw if t not in _CLITICS]  # what an apostrophe leaves behind
    return list(map(singular, map(str.lower, raw))), raw, text


def fields(e: Content) -> tuple[str, str, str]:
    """Title, lead and details text of an entry (no replies)."""
    lead_parts = [e.summary, *e.key_points]
    body = e.body
    rest = list(_section_parts(e.sections))
    if body:
        rest = [p for p in rest if p and not _has_words(body, p)]
        lead_parts = [p for p in lead_parts if p]
        if not lead_parts:
            cut = body.find("\n", LEAD_CHARS)
            cut = cut if 0 <= cut < 2 * LEAD_CHARS else LEAD_CHARS
            lead_parts, body = [body[:cut]], body[cut:]
        elif all(_has_words(body, p) for p in lead_parts):
            # a feed item's flattened body holds its summary and key points:
            # read them once, as the lead
            for p in lead_parts:
                body = body.replace(p, " ", 1)
        rest.append(body)
    return e.title, "\n".join(p for p in lead_parts if p), "\n".join(p for p in rest if p)


def evidence(e: Content) -> Evidence:
    """The entry's evidence for tags (see the module doc)."""
    t, lead, rest = fields(e)
    ft, rt, t = _field(t)
    fl, rl, lead = _field(lead)
    fd, rd, _rest = _field(rest)
    return Evidence((ft, fl, fd), (rt, rl, rd), f"{t}\n{lead}")
