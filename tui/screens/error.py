"""Shown instead of the main screen when the library cannot be opened.

A damaged or unreadable library is the user's data: the message says what is
wrong and what to run (``digest-tui doctor``); nothing is written.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from tui.text import block_text


class LibraryErrorScreen(Screen[None]):
    """The library's error message, plainly, and a way out."""

    CSS_PATH = "error.tcss"
    BINDINGS = [Binding("escape", "app.quit", "Quit", id="error-quit")]

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box") as box:
            box.border_title = "The library cannot be opened"
            yield Static(block_text(self.message), id="error-message")
            yield Static(
                Text(
                    "Nothing was changed. Run `digest-tui doctor` to see the options, "
                    "or start with another library: digest-tui --data-dir DIR."
                ),
                id="error-hint",
            )
        yield Footer()
