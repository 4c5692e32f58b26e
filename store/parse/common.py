"""Small shared pieces of every parser: bullets, numbering, icons, dates, sentences.

Kept regex-light and linear: every pattern here is anchored or bounded, since
parsers run them on each line of files that may hold a 256 kB single line.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from store.models import Section
from store.parse.quickclean import quick_clean_line
from store.parse.sentences import split_sentences
from store.text import clean_line, safe_url

WORDS_PER_MINUTE = 230

BULLET_RE = re.compile(r"^\s*(?:[-*+•·◦▪▫‣∙–—●○■□➤➢►▶✓✔](?=\s|$)|\d{1,3}[.)](?=\s))\s*(.*)$")
PLAIN_BULLET_RE = re.compile(r"^\s*[-*+•·◦▪▫‣∙–●○■□➤➢►▶✓✔]\s+(.*)$")
NUMBERED_RE = re.compile(r"^\s*(\d{1,3}(?:\.\d{1,3}){0,4})(?:[.):]|(?=\s))\s*(.*)$")
KEYCAP_RE = re.compile("^\\s*(\\d{1,2})\ufe0f?\u20e3\\s*(.*)$")
KEY_POINTS_RE = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(key\s*points|key\s*takeaways|takeaways)"
    r"\s*:?\s*(?:\*\*|__)?\s*:?\s*(.*)$",
    re.I,
)
DETAILS_RE = re.compile(
    r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(details|detailed\s+notes|notes|in\s+depth)"
    r"\s*:?\s*(?:\*\*|__)?\s*:?\s*$",
    re.I,
)
URL_RE = re.compile(r"https?://[^\s<>()\[\]\"']{1,2000}")
COUNTER_RE = re.compile(r"^\s*[\d.,]{1,12}\s*[kKmM]?\s*$")
CHROME_RE = re.compile(
    r"^\s*(?:previous digests?|next digest|older digests|newer digests|subscribe( now)?|"
    r"sign up|sign in|log in|login|register|post|reply|share|follow|like|likes|"
    r"join the conversation|join the community( of .*)?|see translation|read more|"
    r"back to top|no comments|\d+ comments?|leave a (?:reply|comment)|comments|"
    r"load more|show more|copy link|report|upvote|downvote)\s*[.!]?\s*$",
    re.I,
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_ISO_DATE_RE = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_MDY_RE = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DMY_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")


def find_date(s: str) -> str | None:
    """First calendar date written in ``s`` as YYYY-MM-DD (ISO or month-name forms)."""
    s = s[:400]
    for rx, order in ((_ISO_DATE_RE, "ymd"), (_MDY_RE, "mdy"), (_DMY_RE, "dmy")):
        for m in rx.finditer(s):
            try:
                if order == "ymd":
                    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
                elif order == "mdy":
                    mo = _MONTHS.get(m.group(1).lower(), 0)
                    d, y = int(m.group(2)), int(m.group(3))
                else:
                    d, y = int(m.group(1)), int(m.group(3))
                    mo = _MONTHS.get(m.group(2).lower(), 0)
                return date(y, mo, d).isoformat()
            except (ValueError, OverflowError):
                continue
    return None


def is_date_line(s: str) -> bool:
    """A line that is only a date (maybe with a weekday)."""
    d = find_date(s)
    if not d:
        return False
    rest = _ISO_DATE_RE.sub("", _MDY_RE.sub("", _DMY_RE.sub("", s)))
    rest = re.sub(
        r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|[\s,.:|-]|\d{1,2}:\d{2}|utc|gmt",
        "",
        rest,
        flags=re.I,
    )
    return len(rest) <= 3


def is_icon_char(ch: str) -> bool:
    """Emoji / pictograph / the invisible glue that belongs to an emoji cluster."""
    o = ord(ch)
    if o in (0x200D, 0xFE0F, 0xFE0E, 0x20E3) or 0x1F3FB <= o <= 0x1F3FF or 0xE0020 <= o <= 0xE007F:
        return True
    if 0x1F1E6 <= o <= 0x1F1FF:
        return True
    cat = unicodedata.category(ch)
    return cat == "So" or (cat == "Sk" and o > 0x2000) or (o >= 0x1F000 and cat.startswith("S"))


def split_icon(s: str) -> tuple[str | None, str]:
    """Split a leading emoji cluster off a heading: ``🌍 China`` → (``🌍``, ``China``)."""
    s = s.strip()
    i = 0
    while i < len(s) and i < 24 and (is_icon_char(s[i]) or (i and s[i] == " " and False)):
        i += 1
    icon = s[:i].strip("\u200d\ufe0f\ufe0e ")
    if not icon:
        return None, s.lstrip("\u200d\ufe0f\ufe0e ")
    # keep the selector that belongs to the emoji
    icon = s[:i].rstrip("\u200d ")
    if icon.startswith(("\ufe0f", "\u200d")):
        icon = icon.lstrip("\ufe0f\u200d")
    if icon and 0x1F000 <= ord(icon[0]) <= 0x1F0FF:
        # mahjong, domino and playing-card tiles: what an emoji becomes when a
        # mis-decoded digest lost its third byte (🤝 → 🀝); no digest means them
        icon = ""
    return icon or None, s[i:].strip()


def parse_numbered_heading(s: str) -> tuple[str | None, str | None, str]:
    """``7.1. 💰 Title:`` → (``7.1``, ``💰``, ``Title``); also keycaps ``1️⃣ Title``."""
    s = s.strip()
    number: str | None = None
    m = KEYCAP_RE.match(s)
    if m:
        number, s = m.group(1), m.group(2)
    else:
        m = NUMBERED_RE.match(s)
        if m and m.group(2):
            number, s = m.group(1), m.group(2)
    icon, title = split_icon(s)
    title = title.strip().rstrip(":").strip()
    title = strip_emphasis(title)
    return number, icon, quick_clean_line(title)


_EMPH_RE = re.compile(r"(\*\*|__)(.+?)\1")
_EMPH1_RE = re.compile(r"(?<![\w*])\*(?!\s)([^*\n]{1,200}?)(?<!\s)\*(?![\w*])")
_LINK_MD_RE = re.compile(r"!?\[([^\]\n]{0,500})\]\(\s*<?([^)\s>]{0,2000})>?(?:\s+\"[^\"]*\")?\s*\)")
_CODE_RE = re.compile(r"`([^`\n]{1,500})`")


def strip_emphasis(s: str) -> str:
    """Markdown emphasis and code marks off (``**Label**`` → ``Label``)."""
    if "*" in s or "_" in s:
        s = _EMPH_RE.sub(r"\2", s)
        s = _EMPH1_RE.sub(r"\1", s)
    if "`" in s:
        s = _CODE_RE.sub(r"\1", s)
    return s


def md_inline(s: str, *, keep_urls: bool = True) -> str:
    """Markdown inline → readable text: ``[t](u)`` → ``t (u)``, no emphasis marks."""

    def link(m: re.Match[str]) -> str:
        text, url = m.group(1).strip(), safe_url(m.group(2))
        if not keep_urls or not url:
            return text
        if not text or text == url:
            return url
        return f"{text} ({url})"

    if "](" in s:
        s = _LINK_MD_RE.sub(link, s)
    return strip_emphasis(s)


def first_md_link(s: str) -> str | None:
    m = _LINK_MD_RE.search(s)
    if m:
        u = safe_url(m.group(2))
        if u:
            return u
    m = URL_RE.search(s)
    return safe_url(m.group()) if m else None


def sentences(text: str, limit: int = 1000) -> list[str]:
    """Split prose into sentences (abbreviations, initials and numbers known; linear)."""
    return split_sentences(text[:200_000], limit)


def first_sentence(text: str, max_len: int = 300) -> str:
    ss = sentences(text, 1)
    s = ss[0] if ss else ""
    if len(s) > max_len:
        cut = s[:max_len].rsplit(" ", 1)[0]
        s = cut + "…"
    return s


# ASCII whitespace (as str.split sees it) to b" ", any other byte to b"x": a
# word is then where " x" stands, or an "x" at the start
_WORD_TABLE = bytes(0x20 if chr(i).isspace() else 0x78 for i in range(256))


def word_count(text: str) -> int:
    """``len(text.split())``: counted in C without making the words (ASCII text),
    since every entry's body is counted, ~3 kB and ~450 words each."""
    if text.isascii():
        t = text.encode("ascii").translate(_WORD_TABLE)
        return t.count(b" x") + t.startswith(b"x")
    return len(text.split())


def reading_minutes(text: str) -> float | None:
    words = word_count(text)
    if not words:
        return None
    return round(max(words / WORDS_PER_MINUTE, 0.1), 1)


def paragraphs(lines: list[str]) -> list[str]:
    """Blank-line separated paragraphs, each joined to one line."""
    out: list[str] = []
    cur: list[str] = []
    for ln in lines:
        if ln.strip():
            cur.append(ln.strip())
        elif cur:
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return out


def derive_key_points(sections: tuple[Section, ...], text: str, limit: int = 6) -> tuple[str, ...]:
    """Key points for a document that has none: section bullets, else leading sentences."""
    buckets: list[list[str]] = []
    for s in sections:
        items = list(s.bullets)
        for sub in s.sections:
            items.append(sub.title)
        if not items and s.text:
            fs = first_sentence(s.text)
            if fs:
                items.append(fs)
        if items:
            buckets.append(items)
    out: list[str] = []
    depth = 0
    while buckets and len(out) < limit and depth < 50:
        added = False
        for b in buckets:
            if depth < len(b) and len(out) < limit:
                if b[depth] not in out:
                    out.append(b[depth])
                added = True
        if not added:
            break
        depth += 1
    if not out:
        out = sentences(text, limit)[:3]
    return tuple(clean_line(x) for x in out if clean_line(x))


def strip_quotes(s: str) -> str:
    """Remove typographic/straight quotes that wrap a whole title, keep inner ones."""
    s = s.strip()
    opened = False
    if s[:1] in "“\"«„‘'":
        opened = True
        s = s[1:]
    if s[-1:] in '”"»' or (opened and s[-1:] in "’'"):
        s = s[:-1]
    return s.strip()
