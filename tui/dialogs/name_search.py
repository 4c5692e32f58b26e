"""Name a saved search (``S``, palette "Save this search"), or give one a new name."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from tui.text import line as safe_line


class NameSearchDialog(ModalScreen[str | None]):
    """Returns the name typed (spaces trimmed), or None when cancelled or empty."""

    CSS_PATH = "name_search.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="name-search-cancel"),
    ]

    def __init__(self, title: str, query: str, name: str = "") -> None:
        super().__init__()
        self._title = title
        self._query = query
        self._name = name

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(safe_line(self._title)), classes="dialog-title")
            yield Label(Text("search: " + safe_line(self._query)), classes="query")
            yield Input(value=self._name, placeholder="a name, e.g. china chips", id="name")
            yield Label(
                Text("enter saves (listed under Saved) · escape cancels"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        self.dismiss(name or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
