"""``M``: mute this show, this source, one of its tags, or words typed as a rule."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.text import line as safe_line


class MuteDialog(ModalScreen[str | None]):
    """Returns the mute rule (a query) picked or typed, or None when cancelled."""

    CSS_PATH = "mute.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="mute-cancel"),
        Binding("j", "down", "Down", show=False, id="mute-down"),
        Binding("k", "up", "Up", show=False, id="mute-up"),
    ]

    def __init__(self, title: str, choices: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Mute, from: " + safe_line(self._title)), classes="dialog-title")
            options = [
                Option(Text("Mute " + safe_line(label)), id=str(i))
                for i, (label, _rule) in enumerate(self._choices)
            ]
            options.append(Option(Text("Mute words… (type a rule below)"), id="words"))
            yield OptionList(*options)
            yield Input(placeholder='words, "a phrase", +tag, show:NAME', id="rule")
            yield Label(
                Text("enter mutes · escape cancels · hidden, not deleted: u or unmute undoes"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_down(self) -> None:
        if isinstance(self.focused, OptionList):
            self.focused.action_cursor_down()

    def action_up(self) -> None:
        if isinstance(self.focused, OptionList):
            self.focused.action_cursor_up()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == "words":
            self.query_one(Input).focus()
            return
        self.dismiss(self._choices[int(event.option.id or 0)][1])

    @on(Input.Submitted)
    def _typed(self, event: Input.Submitted) -> None:
        rule = " ".join(event.value.split())
        if rule:
            self.dismiss(rule)

    def action_cancel(self) -> None:
        self.dismiss(None)
