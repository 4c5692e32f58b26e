"""Ask before a change to many entries: "Mark 37 entries read?" — y / enter, n / escape."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from tui.text import line as safe_line


class ConfirmDialog(ModalScreen[bool]):
    """Returns True when confirmed."""

    CSS_PATH = "confirm.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm-yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self._question = question
        self._detail = detail

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(safe_line(self._question)), classes="dialog-title")
            if self._detail:
                yield Label(Text(safe_line(self._detail)), classes="hint")
            yield Label(Text("y / enter: yes · n / escape: no"), classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
