"""Fixed-width columns for the CLI's tables (`list`, `tags`), measured in terminal cells.

Each field is cleaned on its own (``tui.text.line``: escapes, controls and
bidi tricks go, whitespace collapses) and only then cut and padded, so the
padding between fields is never collapsed away and a field can never spill
into the next one. Widths are display cells (Rich's ``cell_len``: CJK and
most emoji take 2), and a field that does not fit ends in "…".
"""

from __future__ import annotations

from rich.cells import cell_len

from tui.text import line as safe_line

ELLIPSIS = "…"


def fit(text: str | None, width: int) -> str:
    """``text`` cleaned, cut to at most ``width`` cells (ending in "…" when cut)."""
    s = safe_line(text)
    if cell_len(s) <= width:
        return s
    out, used = [], 0
    for ch in s:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + ELLIPSIS


def cell(text: str | None, width: int, *, right: bool = False) -> str:
    """``text`` cleaned, cut and padded to exactly ``width`` cells (left-aligned unless ``right``)."""
    s = fit(text, width)
    pad = " " * (width - cell_len(s))
    return pad + s if right else s + pad


def widest(texts: list[str], cap: int) -> int:
    """The widest cleaned text in cells, at most ``cap`` (the width a column needs)."""
    return min(max((cell_len(safe_line(t)) for t in texts), default=0), cap)
