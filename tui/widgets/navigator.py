"""The Navigator pane: All, Unread, Bookmarks, sources and the cross-source tags.

An ``OptionList`` is the right tool here: a few hundred options at most, each
a small Rich table (label, trend, count). Every label is built with
``rich.text.Text`` from plain strings, because source names come from feeds.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from store.views import NavData, Selection
from tui.text import line as safe_line

BLOCKS = "▁▂▃▄▅▆▇█"
TREND_WEEKS = 8


def trend(weekly: Sequence[tuple[str, int]], weeks: int = TREND_WEEKS) -> str:
    """A one-line block chart of the last ``weeks`` counts (empty if no data)."""
    counts = [max(0, int(c)) for _w, c in weekly[-weeks:]]
    if not counts or max(counts) == 0:
        return ""
    top = max(counts)
    return "".join(
        BLOCKS[0] if c == 0 else BLOCKS[min(7, (c * 7 + top - 1) // top)] for c in counts
    )


class Navigator(OptionList):
    """The left pane; posts ``Navigator.Selected`` whenever the highlight moves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="nav-down"),
        Binding("k", "cursor_up", "Up", show=False, id="nav-up"),
    ]

    class Selected(Message):
        """The user pointed the navigator at another selection."""

        def __init__(self, navigator: Navigator, selection: Selection, chosen: bool) -> None:
            super().__init__()
            self.navigator = navigator
            self.selection = selection
            self.chosen = chosen  # enter was pressed (move to the list), not just highlighted

        @property
        def control(self) -> Navigator:
            return self.navigator

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._data = NavData()
        self._quiet = False

    def show_data(self, data: NavData, current: Selection) -> None:
        """Rebuild the options (one bulk ``set_options``) and keep the highlight."""
        self._data = data
        options: list[Option | None] = [
            Option(self._line("All", data.total), id="all"),
            Option(self._line("Unread", data.unread), id="unread"),
            Option(self._line("Bookmarks", data.bookmarked), id="bookmarks"),
            None,
        ]
        if data.sources:
            options.append(Option(Text("Sources", style="bold"), disabled=True))
            for s in data.sources:
                icon = "◆ " if s.kind == "file" else "◇ "
                label = icon + safe_line(s.name)
                count = f"{s.unread}/{s.total}" if s.unread else str(s.total)
                options.append(Option(self._line(label, count), id=f"source:{s.name}"))
            options.append(None)
        if data.tags:
            options.append(Option(Text("Tags", style="bold"), disabled=True))
            for t in data.tags:
                options.append(
                    Option(
                        self._line("#" + safe_line(t.tag), t.entries, trend(t.weekly)),
                        id=f"tag:{t.tag}",
                    )
                )
        self._quiet = True
        try:
            self.set_options(options)
            try:
                self.highlighted = self.get_option_index(current.option_id)
            except Exception:  # the source/tag went away: fall back to All
                self.highlighted = 0
        finally:
            self._quiet = False

    @staticmethod
    def _line(label: str, count: int | str, spark: str = "") -> Table:
        grid = Table.grid(expand=True, padding=(0, 0, 0, 1))
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        if spark:
            grid.add_column(no_wrap=True, style="dim")
        grid.add_column(justify="right", no_wrap=True)
        cells: list[Text] = [Text(label)]
        if spark:
            cells.append(Text(spark))
        cells.append(Text(str(count)))
        grid.add_row(*cells)
        return grid

    @property
    def selection(self) -> Selection:
        opt = self.highlighted_option
        return Selection.from_option_id(opt.id) if opt is not None and opt.id else Selection("all")

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if not self._quiet and event.option.id:
            self.post_message(self.Selected(self, Selection.from_option_id(event.option.id), False))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Selected(self, Selection.from_option_id(event.option.id), True))
