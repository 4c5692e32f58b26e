"""Outside text on the screen: cleaned by the store, measured the way terminals agree.

Every string that came from a feed, a file or a user (titles, source names,
tags, error messages) goes through here before it is drawn, and is drawn as
``rich.text.Text`` built from the plain string, never parsed as markup. The
cleaning (control characters, escape sequences, bidi tricks) has one owner,
``store.text``, reached through ``store.api``; what is added here is for the
screen only: two joiners make Rich and many terminals (tmux, older wcwidth
tables) disagree about how wide an emoji is, which shifts pane borders by a
column: U+FE0F (emoji presentation selector: Rich counts "🎙️" as 2 cells,
tmux as 1) and U+200D (zero-width joiner sequences). Dropping both keeps every
glyph and makes the widths agree.
"""

from __future__ import annotations

from rich.style import StyleType
from rich.text import Text

from store.api import screen_line, screen_text

_WIDTH_TRICKS = str.maketrans("", "", "\ufe0f\u200d")


def line(s: str | None) -> str:
    """One display line (whitespace collapsed)."""
    return screen_line(s or "").translate(_WIDTH_TRICKS)


def block(s: str | None) -> str:
    """Multi-line display text (newlines kept)."""
    return screen_text(s or "").translate(_WIDTH_TRICKS)


def block_text(s: str | None, style: StyleType = "") -> Text:
    """Multi-line outside text as a literal ``Text``."""
    return Text(block(s), style=style)
