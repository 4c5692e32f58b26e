"""Pick one of the entry's tags (automatic or the user's) to remove."""

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


class RemoveTagDialog(ModalScreen[str | None]):
    """Returns the tag to remove, or None when cancelled."""

    CSS_PATH = "remove_tag.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="untag-cancel"),
        Binding("j", "down", "Down", show=False, id="untag-down"),
        Binding("k", "up", "Up", show=False, id="untag-up"),
    ]

    def __init__(self, title: str, auto: Sequence[str], user: Sequence[str]) -> None:
        super().__init__()
        self._title = title
        self._auto = list(auto)
        self._user = list(user)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Text("Remove a tag from: " + safe_line(self._title)),
                classes="dialog-title",
            )
            options = [Option(Text(f"#{safe_line(t)}  (yours)"), id=t) for t in self._user]
            options += [Option(Text(f"#{safe_line(t)}  (automatic)"), id=t) for t in self._auto]
            yield OptionList(*options)
            yield Label(
                Text("enter removes · escape cancels · an automatic tag stays removed"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
