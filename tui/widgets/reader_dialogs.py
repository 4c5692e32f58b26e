"""The reader's two small dialogs: which entry to jump to, and a note for a kept point.

A linked point stated by several sources, or a story of several entries, has
more than one place to go: a chooser lists them (``enter`` goes, ``escape``
stays). ``H`` keeps a point with a note typed in a one-line input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.text import line as safe_line
from tui.widgets.reader_parts import Jump

DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 72;
    max-width: 95%;
    height: auto;
    max-height: 80%;
    border: round $accent;
    background: $surface;
    padding: 0 1;
}}
{name} .dialog-title {{
    width: 100%;
    text-wrap: nowrap;
    text-overflow: ellipsis;
}}
{name} .hint {{
    color: $text-muted;
}}
{name} OptionList {{
    height: auto;
    max-height: 20;
    border: none;
    padding: 0;
}}
"""


class JumpChooser(ModalScreen[str | None]):
    """Pick one of several entries; returns its id, or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="JumpChooser")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Stay", id="chooser-stay"),
    ]

    def __init__(self, title: str, jumps: Sequence[Jump]) -> None:
        super().__init__()
        self._title = title
        self._jumps = list(jumps)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(safe_line(self._title)), classes="dialog-title")
            options = []
            for j in self._jumps:
                text = Text(safe_line(j.source) or "?", "bold")
                text.append(" — " + (safe_line(j.title) or "(untitled)"))
                options.append(Option(text, id=j.id))
            yield OptionList(*options)
            yield Label(Text("enter: open · escape: stay"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class NoteDialog(ModalScreen[str | None]):
    """A one-line note for the point being kept; returns it ('' allowed), or None."""

    DEFAULT_CSS = DIALOG_CSS.format(name="NoteDialog")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss_none", "Cancel", id="note-cancel"),
    ]

    def __init__(self, point: str, note: str = "") -> None:
        super().__init__()
        self._point = point
        self._note = note

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Keep: " + safe_line(self._point)), classes="dialog-title")
            yield Input(value=self._note, placeholder="a note (optional)")
            yield Label(Text("enter: keep · escape: cancel"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_dismiss_none(self) -> None:
        self.dismiss(None)
