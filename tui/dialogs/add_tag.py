"""Ask for a tag to add, completing from the tags the library already has."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from store import api
from store.errors import UsageError
from tui.text import line as safe_line

MAX_MATCHES = 8


def normalise_tag(value: str, tags: Sequence[str] = ()) -> str:
    """What the user typed, as a tag: the store's canonical spelling.

    "Open Source" must become the same tag as the automatic "open-source"; a
    word the store would never pick as an automatic tag is still the user's
    to use; "cocoapods" is CocoaPods' tag when ``tags`` (the library's) has it,
    as the CLI's ``tag`` decides. Raises ``UsageError`` (the CLI's ``tag``
    message, word for word) when the text cannot be a tag.
    """
    return api.user_tag(value, lambda: tags)


def matches(tags: Sequence[str], typed: str, limit: int = MAX_MATCHES) -> list[str]:
    """Existing tags for what is typed: prefix matches first, then substring ones."""
    try:
        q = normalise_tag(typed, tags)
    except UsageError:
        q = safe_line(typed).lstrip("#").lower()  # still offer what it resembles
    if not q:
        return list(tags[:limit])
    pre = [t for t in tags if t.lower().startswith(q)]
    sub = [t for t in tags if q in t.lower() and t not in pre]
    return (pre + sub)[:limit]


def spelling_note(typed: str, tags: Sequence[str] = ()) -> tuple[str, bool]:
    """(what the dialog says under the input, whether it is a problem).

    A tag that cannot be one says why (and enter does nothing); one the store
    spells otherwise says how it will be stored, so nothing changes unseen.
    """
    try:
        tag = normalise_tag(typed, tags)
    except UsageError as exc:
        return str(exc), True
    shown = " ".join(typed.split()).lstrip("#").strip().lower()
    return (f"stored as #{tag}" if tag and tag != shown else ""), False


class AddTagDialog(ModalScreen[str | None]):
    """Returns the tag to add, or None when cancelled."""

    CSS_PATH = "add_tag.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tag-cancel"),
        Binding("tab", "complete", "Complete", priority=True, id="tag-complete"),
        Binding("down", "next_match", "Next match", show=False, id="tag-next"),
        Binding("up", "prev_match", "Previous match", show=False, id="tag-prev"),
    ]

    def __init__(self, title: str, existing: Sequence[str]) -> None:
        super().__init__()
        self._title = title
        self._tags = list(existing)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Text("Add a tag to: " + safe_line(self._title)),
                classes="dialog-title",
            )
            yield Input(
                placeholder="tag (tab completes)",
                suggester=SuggestFromList(self._tags, case_sensitive=False),
                id="tag-input",
            )
            yield Label(id="tag-note")
            yield OptionList(id="tag-matches")
            yield Label(Text("enter adds · tab completes · escape cancels"), classes="hint")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, typed: str) -> None:
        note, problem = spelling_note(typed, self._tags)
        label = self.query_one("#tag-note", Label)
        label.update(Text(safe_line(note)))
        label.display = bool(note)
        label.set_class(problem, "problem")
        found = matches(self._tags, typed)
        ol = self.query_one(OptionList)
        ol.set_options([Option(Text("#" + safe_line(t)), id=t) for t in found])
        ol.display = bool(found)
        if found:
            ol.highlighted = 0

    @on(Input.Changed, "#tag-input")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def action_complete(self) -> None:
        ol = self.query_one(OptionList)
        opt = ol.highlighted_option
        if opt is not None and opt.id:
            inp = self.query_one(Input)
            inp.value = opt.id
            inp.cursor_position = len(inp.value)

    def action_next_match(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_prev_match(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    @on(OptionList.OptionSelected, "#tag-matches")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    @on(Input.Submitted, "#tag-input")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            tag = normalise_tag(event.value, self._tags)
        except UsageError:
            self.app.bell()  # the note under the input already says why
            return
        self.dismiss(tag or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
