"""Pick one of a few named things (a saved search to rename or delete, a rule to remove)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.text import line as safe_line


class PickDialog(ModalScreen[str | None]):
    """Returns the value of the option picked, or None when cancelled.

    ``options`` are (label, value, enabled): a disabled one is shown for what
    it says (a feeds.yaml rule, which is removed in the file), not picked.
    """

    CSS_PATH = "pick.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick-cancel"),
        Binding("j", "down", "Down", show=False, id="pick-down"),
        Binding("k", "up", "Up", show=False, id="pick-up"),
    ]

    def __init__(self, title: str, options: Sequence[tuple[str, str, bool]], hint: str) -> None:
        super().__init__()
        self._title = title
        self._options = list(options)
        self._hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(safe_line(self._title)), classes="dialog-title")
            yield OptionList(
                *[
                    Option(Text(safe_line(label)), id=str(i), disabled=not enabled)
                    for i, (label, _value, enabled) in enumerate(self._options)
                ]
            )
            yield Label(Text(self._hint), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._options[int(event.option.id or 0)][1])

    def action_cancel(self) -> None:
        self.dismiss(None)
