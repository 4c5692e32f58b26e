"""Mojibake repair: UTF-8 read through cp1252 or cp1253, with bytes possibly lost.

Real digests arrive mis-decoded ("πŸŽ™οΈ" for "🎙️", "â€œ" for "“"), read
through cp1253 with cp1252 for the bytes cp1253 lacks; the bytes neither code
page defines (0x81, 0x8D, 0x8F, 0x90, 0x9D, ...) are lost on the way. ftfy
repairs whole texts but neither that mixed reading nor lost bytes, so
``store.text.clean_text`` runs this first.

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
* a stretch of sequences is replaced only with evidence: a complete sequence of
  three or four bytes that decodes to a symbol (no Greek or Latin word holds
  "β€™" or "πŸ’°"), a damaged emoji or quotation mark (the prefixes "πŸ",
  "β€"), or ftfy's own badness test on the original characters ("Ã©").

Linear in the text (one bounded regex scan, a cached test per damaged sequence).
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["repair_mojibake"]

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
                if len(ch) == 1 and _is_symbolic(ch):
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
                segs.append((i, j, _OK, data[i:j].decode("utf-8")))
                i = j
                continue
            except UnicodeDecodeError:
                pass
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


def _evidence(data: bytes, segs: list[tuple[int, int, int, str]], original: str) -> bool:
    """Is this stretch of sequences mojibake beyond doubt? (see the module docstring)."""
    for a, b, kind, ch in segs:
        if kind == _OK and b - a >= 3 and _is_symbolic(ch):
            return True
        if kind == _LOSSY and data[a : a + 2] in _STRONG_PREFIXES:
            return True
    return _bad(original)


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


def _repair_run(run: str, before: str) -> str | None:
    """Repair the mojibake stretches of one run; None when nothing in it is mojibake.

    ``before`` is the text of the current line already produced, used to close
    an opened “ whose ” lost a byte.
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
        if _evidence(data, stretch, run[start:end]):
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
        fixed = _repair_run(m.group(), line_ctx)
        fixed = m.group() if fixed is None else fixed
        out.append(fixed)
        line_ctx = (line_ctx + fixed)[-400:]
        pos = m.end()
    out.append(s[pos:])
    return "".join(out)
