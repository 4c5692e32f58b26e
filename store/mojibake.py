"""Mojibake repair: UTF-8 read through cp1252 or cp1253, with bytes possibly lost.

Real digests arrive mis-decoded ("πŸŽ™οΈ" for "🎙️", "â€œ" for "“"), often after
a copy-paste that lost a byte of a sequence. ftfy repairs whole texts but not
runs whose bytes were lost, so ``store.text.clean_text`` runs this first: each
run of characters that map back to high bytes is re-encoded and decoded as
UTF-8, lost bytes dropped, and left alone unless it really was UTF-8. Linear
in the text (one bounded regex scan).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["repair_mojibake"]


def _build_byte_map() -> dict[str, int]:
    """Character → byte for every high byte of cp1252 and cp1253 (sloppy)."""
    m: dict[str, int] = {}
    for enc in ("cp1252", "cp1253"):
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


_BYTE_OF = _build_byte_map()
_RUN_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(_BYTE_OF)) + "]{2,}")
_LATIN_LEADS = frozenset(b for c, b in _BYTE_OF.items() if 0xC2 <= b <= 0xDF and ord(c) < 0x100)


def _seq_len(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _is_symbol(ch: str) -> bool:
    return bool(ch) and (unicodedata.category(ch) == "So" or ord(ch) >= 0x1F000)


def _repair_run(run: str, before: str) -> str | None:
    """Re-encode one suspicious run and decode it as UTF-8, dropping lost bytes.

    Returns None when the run does not look like mojibake (so real Greek or
    accented Latin text is left alone). ``before`` is the text of the current
    line already produced, used to close an opened “ whose ” lost a byte.
    """
    data = bytes(_BYTE_OF[c] for c in run)
    out: list[str] = []
    evidence = False
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        ln = _seq_len(b)
        if ln == 0:
            i += 1  # stray continuation byte: its lead was lost
            continue
        j = i + 1
        while j < n and j - i < ln and 0x80 <= data[j] <= 0xBF:
            j += 1
        if j - i == ln:
            try:
                ch = data[i:j].decode("utf-8")
            except UnicodeDecodeError:
                i += 1
                continue
            if ln >= 3 or b in _LATIN_LEADS:
                evidence = True
            out.append(ch)
            i = j
            continue
        # incomplete sequence: a byte was lost on the way
        part = data[i:j]
        if part == b"\xef\xb8" and out and _is_symbol(out[-1][-1]):
            out.append("\ufe0f")  # emoji presentation selector, last byte lost
            evidence = True
        elif part == b"\xe2\x80":
            evidence = True
            ctx = before + "".join(out)
            if ctx.count("\u201c") > ctx.count("\u201d"):
                out.append("\u201d")
        elif ln >= 3 and j - i >= 2:
            evidence = True
        i = j
    if not evidence:
        return None
    return "".join(out)


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
