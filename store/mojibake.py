"""Mojibake repair: UTF-8 read through cp1252 or cp1253, with bytes possibly lost.

Real digests arrive mis-decoded ("πŸŽ™οΈ" for "🎙️", "â€œ" for "“"), read through
cp1253 with cp1252 for the bytes cp1253 lacks; the bytes neither code page defines
(0x81, 0x8D, 0x8F, 0x90, 0x9D, ...) are lost on the way. ftfy repairs whole texts but
neither that mixed reading nor lost bytes, so ``store.text.clean_text`` runs this first.

Greek, Slovak or French text is made of the very same characters ("«Υπερόπλο»",
"znášate" map to high bytes too), so a run is changed only where the repair is
confident, and a character is never dropped unless it belongs to a run that is
mojibake beyond doubt:

* a run's bytes are split into UTF-8 sequences; a byte that fits none (a stray
  continuation byte, a lead byte without its continuations) stays the
  character it was: real text is full of those;
* an incomplete sequence counts as damaged mojibake only when the bytes a code
  page cannot carry, put back, make a symbol, punctuation or emoji of it
  (what UTF-8 read through cp1252 really loses), never a letter;
* a stretch of sequences is replaced only with evidence: a damaged emoji or
  quotation mark (the prefixes "πŸ", "β€"), a complete sequence of three or
  four bytes that decodes to punctuation, a symbol or an emoji from characters
  no word holds together (Greek beside Latin letters, € or ™ beside letters:
  "β€™", "πŸ’°", "βš–"), or ftfy's own badness test on the original ("Ã©")
  when the repair fits its word (same script and case as the letters beside
  it, quotes still paired: "«AÐ»" is Icelandic, "“IRMÃ”" Portuguese).

``repair_with_ftfy`` then lets ftfy repair whole lines read through one code page
(cp1251, latin-1, MacRoman), kept only where it reads as text by the same measures.
Linear in the text (one bounded regex scan, a cached test per damaged sequence)."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

__all__ = ["repair_mojibake", "repair_with_ftfy"]

_CODEPAGES = ("cp1252", "cp1253")


def _build_byte_map() -> dict[str, int]:
    """Character → byte for every high byte of cp1252 and cp1253 (sloppy)."""
    m: dict[str, int] = {}
    for enc in _CODEPAGES:
        for b in range(0x80, 0x100):
            try:
                c = bytes([b]).decode(enc)
            except UnicodeDecodeError:
                continue
            m.setdefault(c, b)
    for b in range(0x80, 0xA0):  # undefined bytes decoded "sloppily" as C1 controls
        m.setdefault(chr(b), b)
    m.setdefault("\u20af", 0xA5)  # cp1253 0xA5 in the Windows table (drachma sign)
    return m


def _undefined_bytes() -> tuple[int, ...]:
    """Continuation bytes some code page of ours cannot decode: what a reading loses."""
    lost: list[int] = []
    for b in range(0x80, 0xC0):
        for enc in _CODEPAGES:
            try:
                bytes([b]).decode(enc)
            except UnicodeDecodeError:
                lost.append(b)
                break
    return tuple(lost)


_BYTE_OF = _build_byte_map()
_LOST = _undefined_bytes()
_RUN_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_BYTE_OF)) + "]{2,}")
# prefixes of emoji (U+1F000-1FFFF) and of general punctuation (U+2000-203F):
# "πŸ"/"ðŸ" and "β€"/"â€" are in no word of any language
_STRONG_PREFIXES = (b"\xf0\x9f", b"\xe2\x80")

_OK, _LOSSY, _BAD = 0, 1, 2


def _seq_len(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _is_symbolic(ch: str) -> bool:
    """What UTF-8 mojibake is made of besides letters: symbols, punctuation, emoji, VS."""
    cat = unicodedata.category(ch)
    return (
        cat[0] in "SP"
        or cat == "Cf"
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f000" <= ch <= "\U0001faff"
    )


# Where UTF-8 mojibake of real text lands: punctuation and symbols (U+2000-2BFF),
# CJK punctuation, variation selectors, fullwidth forms, emoji. A Tibetan mark
# or a Braille pattern from "ΰΌ”" or "βΆΆ" is no evidence.
_MOJIBAKE_TARGETS = (
    ("\u2000", "\u2bff"),
    ("\u3000", "\u303f"),
    ("\ufe00", "\ufe0f"),
    ("\ufeff", "\uff65"),
    ("\U0001f000", "\U0001faff"),
)
# beside letters in real text: quotes, dashes, the ellipsis, Greek accents
_COMMON = frozenset("“”‘’«»…–—\u00a0΄΅·„")


def _is_target(ch: str) -> bool:
    return any(a <= ch <= b for a, b in _MOJIBAKE_TARGETS) and _is_symbolic(ch)


def _odd(original: str) -> bool:
    """Characters no word holds together: Greek beside Latin letters, € or ™ beside letters."""
    greek = latin = False
    for c in original:
        if c.isalpha():
            if "\u0370" <= c <= "\u03ff":
                greek = True
            else:
                latin = True
        elif c not in _COMMON:
            return True
    return greek and latin


def _is_near_letter(ch: str) -> bool:
    """A two-byte sequence's character as mojibake yields it: Latin-1 to Cyrillic, no control."""
    return "\u00a0" <= ch <= "\u04ff" and unicodedata.category(ch)[0] != "C"


def _is_symbol(ch: str) -> bool:
    return bool(ch) and (unicodedata.category(ch) == "So" or ord(ch) >= 0x1F000)


@functools.lru_cache(maxsize=4096)
def _damaged_symbol(part: bytes, need: int) -> bool:
    """True when putting back ``need`` lost bytes after the lead makes a symbol of ``part``."""
    fills: list[bytes] = [b""]
    for _ in range(need):
        fills = [f + bytes([b]) for f in fills for b in _LOST]
    for cut in range(1, len(part) + 1):
        for fill in fills:
            # the lost bytes sit together: one gap, anywhere after the lead
            for split in range(len(fill) + 1):
                cand = part[:cut] + fill[:split] + part[cut:] + fill[split:]
                try:
                    ch = cand.decode("utf-8")
                except UnicodeDecodeError:
                    continue
                if len(ch) == 1 and _is_target(ch):
                    return True
    return False


def _segments(data: bytes) -> list[tuple[int, int, int, str]]:
    """(start, end, kind, decoded) for the bytes of one run: OK, LOSSY or BAD."""
    segs: list[tuple[int, int, int, str]] = []
    i, n = 0, len(data)
    while i < n:
        ln = _seq_len(data[i])
        j = i + 1
        while ln and j < n and j - i < ln and 0x80 <= data[j] <= 0xBF:
            j += 1
        if ln and j - i == ln:
            try:
                ch = data[i:j].decode("utf-8")
            except UnicodeDecodeError:
                ch = ""
            # Our repair is for symbols and Latin/Greek/Cyrillic letters; other
            # letters (CJK, Hebrew read through cp1252) are ftfy's, whole lines at
            # a time. A C1 control is no text anyone wrote ("Â”" stays).
            if ch and (_is_target(ch) if j - i >= 3 else _is_near_letter(ch)):
                segs.append((i, j, _OK, ch))
                i = j
                continue
        elif ln and j - i >= 2 and _damaged_symbol(data[i:j], ln - (j - i)):
            segs.append((i, j, _LOSSY, ""))
            i = j
            continue
        segs.append((i, i + 1, _BAD, ""))
        i += 1
    return segs


def _bad(text: str) -> bool:
    """ftfy's badness test (imported on first use: it costs ~30 ms)."""
    from ftfy.badness import badness

    return bool(badness(text))


_CLOSERS = frozenset("»”’›“‘")  # “ and ‘ close German quotes


def _fits(segs: list[tuple[int, int, int, str]], original: str, left: str, right: str) -> bool:
    """Would the repair fit its neighbours? Asked when ftfy's badness is the only evidence.

    "AÐ»" is Icelandic, not "Aл": a decoded letter of another script than the
    letters beside it is no repair. "MANHÃ»", "HÂLÂ»": an uppercase word's last
    letter before a closing quote, not "û" or "»".
    """
    if original[-1] in _CLOSERS and (left.isupper() or not left.isalnum()):
        return False  # ...or a one-letter word in quotes: "“Ã”" is Portuguese, not "“Ô"
    decoded = "".join(ch for _a, _b, _k, ch in segs)
    if decoded in _CLOSERS and not left.isalnum():
        return False  # "«Â»": a one-letter word quoted, not an empty quotation
    for nb in (left, right):
        if nb.isalpha():
            for a, b, kind, ch in segs:
                if kind == _OK and b - a == 2 and ch.isalpha() and _script(ch) != _script(nb):
                    return False
    return True


def _evidence(
    data: bytes, segs: list[tuple[int, int, int, str]], original: str, left: str, right: str
) -> bool:
    """Is this stretch of sequences mojibake beyond doubt? (see the module docstring).

    ``left`` and ``right``: the characters beside the stretch ("" at an end).
    """
    for a, _b, kind, _ch in segs:
        if kind == _LOSSY and data[a : a + 2] in _STRONG_PREFIXES:
            return True
    if _odd(original) and any(k == _OK and b - a >= 3 and _is_target(ch) for a, b, k, ch in segs):
        return True
    return _bad(original) and _fits(segs, original, left, right)


def _decode_stretch(data: bytes, segs: list[tuple[int, int, int, str]], before: str) -> str:
    """The repaired text of a stretch: sequences decoded, damaged ones dropped or mended."""
    out: list[str] = []
    for a, b, kind, ch in segs:
        if kind == _OK:
            out.append(ch)
            continue
        part = data[a:b]
        if part == b"\xef\xb8" and out and _is_symbol(out[-1][-1]):
            out.append("\ufe0f")  # emoji presentation selector, its last byte lost
        elif part == b"\xe2\x80":
            ctx = before + "".join(out)
            if ctx.count("\u201c") > ctx.count("\u201d"):
                out.append("\u201d")  # a closing quote whose last byte was lost
    return "".join(out)


def _repair_run(run: str, before: str, after: str = "") -> str | None:
    """Repair the mojibake stretches of one run; None when nothing in it is mojibake.

    ``before`` is the text of the current line already produced, used to close
    an opened “ whose ” lost a byte; ``after`` the character after the run.
    """
    data = bytes(_BYTE_OF[c] for c in run)
    segs = _segments(data)
    out: list[str] = []
    changed = False
    k = 0
    while k < len(segs):
        a, b, kind, _ = segs[k]
        if kind == _BAD:
            out.append(run[a:b])  # one character per byte: the text as it was
            k += 1
            continue
        m = k
        while m < len(segs) and segs[m][2] != _BAD:
            m += 1
        stretch = segs[k:m]
        start, end = stretch[0][0], stretch[-1][1]
        left = run[start - 1] if start else before[-1:]
        right = run[end] if end < len(run) else after
        if _evidence(data, stretch, run[start:end], left, right):
            out.append(_decode_stretch(data, stretch, before + "".join(out)))
            changed = True
        else:
            out.append(run[start:end])
        k = m
    return "".join(out) if changed else None


def repair_mojibake(s: str) -> str:
    """Repair every run of UTF-8 read as cp1252/cp1253 in ``s``; leave real text alone."""
    if not _RUN_RE.search(s):
        return s
    out: list[str] = []
    pos = 0
    line_ctx = ""  # repaired text of the current line (bounded), for quote pairing
    for m in _RUN_RE.finditer(s):
        piece = s[pos : m.start()]
        out.append(piece)
        nl = piece.rfind("\n")
        line_ctx = piece[nl + 1 :] if nl >= 0 else (line_ctx + piece)
        line_ctx = line_ctx[-400:]
        fixed = _repair_run(m.group(), line_ctx, s[m.end() : m.end() + 1])
        fixed = m.group() if fixed is None else fixed
        out.append(fixed)
        line_ctx = (line_ctx + fixed)[-400:]
        pos = m.end()
    out.append(s[pos:])
    return "".join(out)


# --------------------------------------------------------------------------
# ftfy, for what it repairs well: whole lines read through one code page
# --------------------------------------------------------------------------

_FTFY: list[tuple[Any, Any, Any]] = []  # filled on first use

# UTF-8 read through a legacy code page always shows a lead byte 0xC2-0xF4 as
# one of these: Latin-1 letters (cp1252/latin-1), Greek (cp1253), Cyrillic
# (cp1251) or MacRoman's ¬ √ ƒ ≈ ∆ ("Portugu√™s"). Text without any (emoji,
# typographic quotes, CJK) cannot be that mojibake, and ftfy's own badness
# test costs ~1 ms per 6 kB.
_MOJIBAKE_LEAD_RE = re.compile("[\u00ac\u00c0-\u00ff\u0192\u0370-\u04ff\u2206\u221a\u2248]")


def _ftfy() -> tuple[Any, Any, Any]:
    """ftfy, its badness test and our config, imported on first suspicious text.

    Importing ftfy costs ~30 ms; commands that only print ASCII (a 304 refresh,
    `list`) should not pay it.
    """
    if not _FTFY:
        import ftfy
        from ftfy.badness import is_bad

        config = ftfy.TextFixerConfig(
            unescape_html=False,
            uncurl_quotes=False,
            fix_character_width=False,
            fix_latin_ligatures=False,
            fix_line_breaks=False,
            # a C1 control from decoding is no text: keep it so that _plausible
            # refuses the repair ("“Â”" is not "“”")
            fix_c1_controls=False,
            explain=False,
        )
        _FTFY.append((ftfy.fix_text, is_bad, config))
    return _FTFY[0]


def _script(ch: str) -> str:
    return unicodedata.name(ch, "").split(" ", 1)[0]


# scripts that UTF-8 mojibake of real text decodes to (first word of a letter's name)
_SCRIPTS = frozenset(
    [
        "LATIN",
        "GREEK",
        "CYRILLIC",
        "ARMENIAN",
        "HEBREW",
        "ARABIC",
        "DEVANAGARI",
        "BENGALI",
        "GURMUKHI",
        "GUJARATI",
        "TAMIL",
        "TELUGU",
        "KANNADA",
        "MALAYALAM",
        "SINHALA",
        "THAI",
        "LAO",
        "GEORGIAN",
        "HANGUL",
        "HIRAGANA",
        "KATAKANA",
        "CJK",
        "IDEOGRAPHIC",
    ]
)


_FAMILY = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "IDEOGRAPHIC": "CJK"}
_QUOTE_PAIRS = (("“", "”"), ("«", "»"), ("„", "“"))


def _quotes(s: str) -> int:
    """How many curly double quotation marks ``s`` holds (odd: one is unpaired)."""
    return s.count("“") + s.count("”") + s.count("„")


_QUOTE_SEQ_RE = re.compile("[\u00c2-\u00df][\u201c\u201d\u201e\u2018\u2019\u201a]")


# "Â" read from a UTF-8 lead byte before U+00A0-00BF ("Â£" is "£")
_LEAD_BEFORE_SYMBOL_RE = re.compile("\u00c2(?=[\u00a0-\u00bf])")


def _drop_lone_leads(line: str) -> str:
    """``line`` without the "Â"s a UTF-8 lead byte left, keeping an uppercase word's last
    letter ("HÂLÂ»", Vietnamese "«ĂÂ»"): after any uppercase letter "Â" is a letter."""

    def keep_after_upper(m: re.Match[str]) -> str:
        i = m.start()
        return m.group() if i and line[i - 1].isupper() else ""

    return _LEAD_BEFORE_SYMBOL_RE.sub(keep_after_upper, line)


def _fits_word(fixed: str, i: int, script: str) -> bool:
    """Does the new letter ``fixed[i]`` fit its word? Same script, and case, as its neighbours.

    "AÐ»" is Icelandic, not "Aл"; "MANHÃ»" is Portuguese, not "MANHû".
    """
    prev = fixed[i - 1] if i else ""
    nxt = fixed[i + 1] if i + 1 < len(fixed) else ""
    for nb in (prev, nxt):
        if nb.isalpha() and _script(nb) != script:
            return False
    before2 = fixed[i - 2] if i >= 2 else ""
    return not (fixed[i].islower() and prev.isupper() and before2.isupper() and not nxt.isalpha())


def _plausible(line: str, fixed: str) -> bool:
    """Does ftfy's repair read as text? Letters of a common script, marks after their letters.

    Random Cyrillic such as "аҐ’" is, to ftfy, cp1251 mojibake of a Devanagari
    stress sign, and "“áŽ”" an Ethiopic mark; real mojibake decodes to letters
    of common scripts with their own marks, punctuation and symbols.
    """
    for a, b in _QUOTE_PAIRS:
        if line.count(a) == line.count(b) and fixed.count(a) != fixed.count(b):
            return False  # "“SÃ”" is a quoted word, not "“SÔ": a repair keeps quotes paired
    q_line, q_fixed = _quotes(line), _quotes(fixed)
    if q_line % 2 == 0 and q_fixed % 2 == 1:
        return False  # the same where „…“ and “…” mix: '„x“ “Ã”' is two quotes, not "Ô"
    if q_fixed < q_line and not _ftfy()[1](_QUOTE_SEQ_RE.sub("", line)):
        # a lead byte read as a letter before a quote ("Ã”": "Ô", or a quoted "Ã") is
        # never the only evidence: '“Ã” „Ã“' is two quotes
        return False
    if any(fixed.count(p) < line.count(p) for p in ("\u00c3 ", "\u00c2 ")):
        # ftfy reads "Ã " as "à" and "Â " as a no-break space whose byte became a
        # space; a plain space is no evidence ("Ã" and "Â" are Vietnamese letters)
        return False
    before = set(line)
    if before.issuperset(fixed):
        # a repair that only deletes: only "Â" before U+00A0-00BF ("Â£" is "£"),
        # where a UTF-8 lead byte was read as a letter; "“Â”" is not "“”"
        return _drop_lone_leads(line) == fixed
    scripts: set[str] = set()
    prev = ""
    for i, ch in enumerate(fixed):
        cat = unicodedata.category(ch)
        if cat in ("Co", "Cn") or (cat == "Cc" and ch not in "\t\n"):
            return False
        if ch not in before:
            if cat[0] == "L":
                script = _script(ch)
                if script not in _SCRIPTS:
                    return False
                if script != "LATIN":
                    scripts.add(_FAMILY.get(script, script))
                if not _fits_word(fixed, i, script):
                    return False
            if cat[0] in "SP" and ch >= "\u0100" and not _is_target(ch):
                return False
        if cat[0] == "M":
            script = _script(ch)
            if script not in ("COMBINING", "VARIATION") and (
                not prev or unicodedata.category(prev)[0] not in "LM" or _script(prev) != script
            ):
                return False
        prev = ch
    return len(scripts) <= 1  # one script besides Latin: "Қټ" from "Ňš Ůľ" is no text


def repair_with_ftfy(s: str) -> str:
    """ftfy's repair, line by line, where its badness test flags a line; NFC otherwise.

    A repair that does not read as text (see ``_plausible``) is not kept: the
    line stays as it was. Never raises.
    """
    try:
        if not _MOJIBAKE_LEAD_RE.search(s):
            return unicodedata.normalize("NFC", s)
        fix_text, is_bad, config = _ftfy()
        if not is_bad(s):
            return unicodedata.normalize("NFC", s)
        out: list[str] = []
        for line in s.split("\n"):
            fixed = line
            if _MOJIBAKE_LEAD_RE.search(line) and is_bad(line):
                fixed = fix_text(line, config)
                if fixed != line and not _plausible(line, fixed):
                    fixed = line
            out.append(unicodedata.normalize("NFC", fixed))
        return "\n".join(out)
    except Exception:
        return s
