"""Text for the screen: control characters out, and emoji widths terminals agree on.

``safe_line``/``safe_text`` remove what must never reach a terminal. On top of
that, two joiners make Rich and many terminals (tmux, older wcwidth tables)
disagree about how wide an emoji is, which shifts pane borders by a column:
U+FE0F (emoji presentation selector: Rich counts "🎙️" as 2 cells, tmux as 1)
and U+200D (zero-width joiner sequences). Dropping both keeps every glyph and
makes the widths agree.
"""

from __future__ import annotations

from tui.safe_output import safe_line, safe_text

_WIDTH_TRICKS = str.maketrans("", "", "\ufe0f\u200d")


def line(s: str | None) -> str:
    """One display line (whitespace collapsed)."""
    return safe_line(s or "").translate(_WIDTH_TRICKS)


def block(s: str | None) -> str:
    """Multi-line display text (newlines kept)."""
    return safe_text(s or "").translate(_WIDTH_TRICKS)
