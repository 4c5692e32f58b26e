"""The Navigator pane: All, Unread, Bookmarks, Muted, saved searches, sources, stories, tags.

An ``OptionList`` is the right tool here: a few hundred options at most, each
a ``NavLine`` (label, trend, count). Every label is built with
``rich.text.Text`` from plain strings, because source names come from feeds.

Every count reads the same way, "unread/total" of what the line lists; tags
and stories add the number of sources ("2/5·3src"), which is what they are
sorted by (cross-source first), so the order is never a hidden key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.events import Resize
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from store import api
from store.views import NavData, Selection

if TYPE_CHECKING:
    from store.api import StoryCount
from tui.text import line as safe_line
from tui.widgets.navline import NavLine

TREND_WEEKS = 8
NARROW = 26  # columns: below this a tag line has no room for its trend


def _count(unread: int, total: int) -> str:
    """The one count format of the navigator: unread/total."""
    return f"{unread}/{total}"


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
        self._titles: dict[str, str] = {}  # story option id -> its label
        self._narrow = False

    def on_resize(self, event: Resize) -> None:
        if (0 < event.size.width < NARROW) != self._narrow:
            self.show_data(self._data, self.selection)

    def show_data(self, data: NavData, current: Selection) -> None:
        """Rebuild the options (one bulk ``set_options``) and keep the highlight."""
        self._data = data
        options: list[Option | None] = [
            Option(self._line("All", _count(data.unread, data.total)), id="all"),
            Option(self._line("Unread", _count(data.unread, data.unread)), id="unread"),
            Option(
                self._line("Bookmarks", _count(data.bookmarked_unread, data.bookmarked)),
                id="bookmarks",
            ),
        ]
        if data.rules or data.muted:
            options.append(
                Option(self._line("Muted", _count(data.muted_unread, data.muted)), id="muted")
            )
        options.append(None)
        if data.saved:
            options.append(Option(Text("Saved", style="bold"), disabled=True))
            for v in data.saved:
                label = "★ " + safe_line(v.name)
                options.append(
                    Option(self._line(label, _count(v.unread, v.total)), id=f"saved:{v.name}")
                )
            options.append(None)
        if data.sources:
            options.append(Option(Text("Sources", style="bold"), disabled=True))
            for s in data.sources:
                icon = "◆ " if s.kind == "file" else "◇ "
                label = icon + safe_line(s.name)
                options.append(
                    Option(self._line(label, _count(s.unread, s.total)), id=f"source:{s.name}")
                )
            options.append(None)
        self._titles = {}
        if data.stories:
            shown = len(data.stories)
            more = (
                f" · {shown} of {data.stories_total}"
                if data.stories_total > shown
                else f" · {shown}"
            )
            options.append(Option(Text("Stories" + more, style="bold"), disabled=True))
            for st in data.stories:
                option_id = f"story:{st.id}"
                self._titles[option_id] = st.label
                options.append(Option(self._story_line(st), id=option_id))
            options.append(None)
        # a narrow pane (80 columns) keeps the tag's name and counts, not its trend
        self._narrow = 0 < self.size.width < NARROW
        if data.tags:
            options.append(Option(Text("Tags", style="bold"), disabled=True))
            for t in data.tags:
                count = _count(t.unread, t.entries) + f"·{t.sources}src"
                spark = "" if self._narrow else api.trend_chart(t.weekly, TREND_WEEKS)
                options.append(
                    Option(
                        self._line("#" + safe_line(t.tag), count, spark),
                        id=f"tag:{t.tag}",
                    )
                )
        # Rebuilding highlights an option: its OptionHighlighted must not be posted
        # at all (a flag checked when the message is handled, later, let a stale
        # "All" of this rebuild undo a selection made meanwhile, e.g. a search
        # just saved with S)
        # (where the current selection is not in ``data``, which may be older than
        # it, All is highlighted and the view stays what it was until a key moves)
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(options)
            try:
                self.highlighted = self.get_option_index(current.option_id)
            except Exception:  # the source/tag went away: highlight All
                self.highlighted = 0

    @staticmethod
    def _line(label: str, count: int | str, spark: str = "") -> NavLine:
        return NavLine(label, str(count), spark)

    def _selection_of(self, option_id: str) -> Selection:
        """The selection an option stands for (a story's carries its label)."""
        sel = Selection.from_option_id(option_id)
        title = self._titles.get(option_id)
        return Selection(sel.kind, sel.value, title) if title else sel

    @staticmethod
    def _story_line(story: StoryCount) -> Group:
        """Two rows: a story's label needs the width (it is a title, not a tag)."""
        label = Text(safe_line(story.label), no_wrap=True, overflow="ellipsis")
        count = _count(story.unread, story.entries) + f"·{story.sources}src"
        return Group(label, Navigator._line("", count, api.trend_chart(story.weekly, TREND_WEEKS)))

    @property
    def selection(self) -> Selection:
        opt = self.highlighted_option
        return self._selection_of(opt.id) if opt is not None and opt.id else Selection("all")

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Selected(self, self._selection_of(event.option.id), False))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.Selected(self, self._selection_of(event.option.id), True))
