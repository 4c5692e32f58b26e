"""Small parts of the main screen: the list pane's keys, the search bar, the "act on" line,
related items.

Why: with the list and the reader side by side, ``b``/``m``/``t`` hit either
the reader's entry or the list cursor's, depending on the focus (issue 17.6).
The line above the footer names the entry they will hit; the list pane
carries its own footer keys, as the reader does (17.9).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from store import api
from tui.keys import LIST_PANE_BINDINGS
from tui.text import line as safe_line
from tui.widgets.reader import RelatedItem


class ListPane(Vertical):
    """The search bar and the episode list; its bindings only add footer entries."""

    BINDINGS: ClassVar[list[BindingType]] = [*LIST_PANE_BINDINGS]


class SearchBar(Input):
    """The search bar: ``down`` goes to the results, as ``enter`` does.

    Why: typed a filter, a user reaches for the arrow to step into what it
    found; an Input has no use for ``down`` and let it fall through to nothing.
    """

    BINDINGS: ClassVar[list[BindingType]] = [Binding("down", "submit", show=False)]


class TargetLine(Static):
    """'b/m/t act on: <title>' (the reader's entry, or the cursor's), as literal text."""

    DEFAULT_CSS = """
    TargetLine {
        height: 1;
        width: 100%;
        padding: 0 1;
        color: $text-muted;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.target: tuple[str, str] | None = None  # (where, title), for tests and redraws

    def show_target(self, where: str, title: str | None) -> None:
        """``where``: 'reader' or 'list'; ``title`` None: nothing to act on."""
        target = (where, title) if title is not None else None
        if target == self.target:
            return
        self.target = target
        if title is None:
            self.update(Text(""))
            return
        text = Text("b/m/t act on ")
        text.append("the reader's entry: " if where == "reader" else "the list's entry: ")
        text.append(safe_line(title) or "(untitled)", "bold")
        self.update(text)


def related_items(related: list[api.Related]) -> list[RelatedItem]:
    """What the reader shows of each related entry: title, where from, when, why."""
    return [
        RelatedItem(r.id, r.title, tuple(r.shared_tags), r.show, r.source, r.date) for r in related
    ]
