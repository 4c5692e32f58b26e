"""The Navigator pane: All, Unread, Bookmarks, sources and the cross-source tags.

An ``OptionList`` is the right tool here: a few hundred options at most, each
a small Rich table (label, trend, count). Every label is built with
``rich.text.Text`` from plain strings, because source names come from feeds.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from store.models import Marks
from store.storage.library import Row
from tui.widgets.display import line as safe_line

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


@dataclass(frozen=True, slots=True)
class SourceCount:
    """One source's line in the navigator."""

    name: str
    kind: str
    total: int
    unread: int


@dataclass(frozen=True, slots=True)
class TagCount:
    """One tag's line: how many entries, how many sources, and its trend."""

    tag: str
    entries: int
    sources: int = 1
    weekly: tuple[tuple[str, int], ...] = ()


@dataclass(slots=True)
class NavData:
    """Everything the navigator shows, computed in one pass over rows and marks."""

    total: int = 0
    unread: int = 0
    bookmarked: int = 0
    sources: list[SourceCount] = field(default_factory=list)
    tags: list[TagCount] = field(default_factory=list)


def count_rows(rows: Iterable[Row], marks: Mapping[str, Marks]) -> NavData:
    """Counts for All / Unread / Bookmarks / each source (one pass; marks is sparse)."""
    data = NavData()
    totals: Counter[tuple[str, str]] = Counter()
    unread: Counter[tuple[str, str]] = Counter()
    for row in rows:
        key = (row.source, row.source_kind)
        totals[key] += 1
        m = marks.get(row.id)
        if m is None or not m.read:
            unread[key] += 1
        if m is not None and m.bookmarked:
            data.bookmarked += 1
    data.total = sum(totals.values())
    data.unread = sum(unread.values())
    # digests (files) first, then feeds; alphabetical within each
    data.sources = [
        SourceCount(name, kind, n, unread[(name, kind)])
        for (name, kind), n in sorted(
            totals.items(), key=lambda kv: (kv[0][1] != "file", kv[0][0].lower())
        )
    ]
    return data


@dataclass(frozen=True, slots=True)
class Selection:
    """What the navigator points at: ``kind`` is all/unread/bookmarks/source/tag."""

    kind: str
    value: str = ""

    @property
    def option_id(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind

    @classmethod
    def from_option_id(cls, option_id: str) -> Selection:
        kind, _, value = option_id.partition(":")
        return cls(kind, value)

    def label(self) -> str:
        if self.kind == "source":
            return self.value
        if self.kind == "tag":
            return "#" + self.value
        return {"all": "All", "unread": "Unread", "bookmarks": "Bookmarks"}.get(
            self.kind, self.kind
        )


class Navigator(OptionList):
    """The left pane; posts ``Navigator.Selected`` whenever the highlight moves."""

    BINDINGS: list[BindingType] = [
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
