"""The Episodes pane: a line-API list that renders only the rows on screen.

Why not OptionList: it builds a Content object per option up front and keeps
them all, which is fine at 10k rows but is the first-paint cost at 100k. Here
the widget holds the store's compact ``Row`` objects plus group header
strings, and ``render_line`` formats just the visible lines (toolong's
approach). Rows are store-cleaned text, but everything is built as plain
``rich.text.Text`` (never markup) and run through ``safe_line`` again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store.api import Row
from store.models import Marks
from tui.text import line as safe_line

SHOW_MAX = 16  # the show column never takes more than this
SHOW_SHARE = 4  # ... nor more than a quarter of the pane
TITLE_MIN = 30  # below this much room for titles, the show column goes


def _without_day(title: str, day: str) -> str:
    """A digest title minus the date the header already shows ("Weekly — 2025-04-14")."""
    if not day or day not in title:
        return title
    rest = title.replace(day, " ")
    rest = re.sub(r"\(\s*\)|\[\s*\]", " ", rest)  # "(2025-04-14)" leaves "()"
    rest = re.sub(r"\s+", " ", rest).strip(" -\u2013\u2014·|:,")
    return rest.strip()


RECENT_DAYS = 7  # within this many days a feed entry's group is its day, then its month


def day_group(day: str, today: date) -> tuple[str, str]:
    """(key, header text) of the time group of a feed entry dated ``day`` (YYYY-MM-DD).

    Why not one header per day: a weekly podcast would get a header above
    every episode (two lines per item). Mail clients' rule instead: the last
    week by day ("Today", "Yesterday", "Monday 2026-11-30"), older entries by
    month ("November 2026"), so the header count follows the density.
    """
    try:
        d = date.fromisoformat(day)
    except ValueError:
        return "t:", "Undated"
    age = (today - d).days
    if 0 <= age < RECENT_DAYS:
        name = "Today" if age == 0 else "Yesterday" if age == 1 else f"{d:%A}"
        return "t:" + day, f"{name} · {day}"
    return f"t:{d:%Y-%m}", f"{d:%B %Y}"


def group_key(row: Row, today: date | None = None) -> tuple[str, str]:
    """(key, header text) of the group a row belongs to: its digest, else its time."""
    day = row.date[:10] if row.date else ""
    if row.digest_id:
        title = _without_day(row.digest_title or "", day) or row.source
        label = " · ".join(x for x in (day, title) if x)
        return "d:" + row.digest_id, label or "Digest"
    return day_group(day, today or date.today())


def show_of(row: Row) -> str:
    """What the show column says: the show (a digest's episode), else the source."""
    return row.show or row.source or ""


def show_width(pane: int, longest: int) -> int:
    """Columns for the show name: as long as the longest one, within limits.

    Titles are what the user scans, so the show column is capped (a quarter of
    the pane, 16 at most) and dropped when titles would get fewer than
    ``TITLE_MIN`` columns; a list of one show (a source picked in the
    navigator) has ``longest == 0`` and no column at all.
    """
    if longest <= 0:
        return 0
    width = min(longest, SHOW_MAX, pane // SHOW_SHARE)
    # 4 columns of markers, 1 gap
    if width < 6 or pane - 4 - width - 1 < TITLE_MIN:
        return 0
    return width


@dataclass(frozen=True, slots=True)
class Header:
    """A group header line (digest title or date); the cursor skips it."""

    text: str


@dataclass(frozen=True, slots=True)
class Lines:
    """The list's lines (rows with group headers between), built off the UI thread.

    ``show_len`` is the longest show name to display (0 when every row has the
    same one, which the header or the navigator already says).
    """

    lines: list[Row | Header]
    row_count: int
    show_len: int


def build_lines(rows: Sequence[Row], today: date | None = None) -> Lines:
    """One pass over the rows: insert group headers, measure the show names.

    Runs in the listing worker (0.1 s at 100k rows), so the UI thread only swaps
    the result in. No per-row objects beyond the rows themselves; a feed
    entry's time group is looked up once per distinct day.
    """
    today = today or date.today()
    groups: dict[str, tuple[str, str]] = {}
    lines: list[Row | Header] = []
    append = lines.append
    last_key: str | None = None
    first_show: str | None = None
    several = False
    longest = 0
    for row in rows:
        # group_key's rule, without building a digest's label for every row
        digest = row.digest_id
        if digest:
            key = "d:" + digest
            if key != last_key:
                append(Header(group_key(row)[1]))
        else:
            day = row.date[:10]
            group = groups.get(day)
            if group is None:
                group = groups[day] = day_group(day, today)
            key = group[0]
            if key != last_key:
                append(Header(group[1]))
        last_key = key
        append(row)
        show = row.show or row.source
        if show != first_show:
            if first_show is None:
                first_show = show
            else:
                several = True
            n = len(show) if show else 0
            if n > longest:
                longest = n
    return Lines(lines, len(rows), longest if several else 0)


class EpisodeList(ScrollView, can_focus=True):
    """Entries of the current selection, grouped, with its own cursor."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list-down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list-up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list-page-down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list-page-up"),
        Binding("home", "first", "First", show=False, id="list-first"),
        Binding("end", "last", "Last", show=False, id="list-last"),
        Binding("enter", "choose", "Open", id="list-open"),
    ]

    COMPONENT_CLASSES = {
        "episode-list--header",
        "episode-list--cursor",
        "episode-list--unread",
        "episode-list--read",
        "episode-list--show",
        "episode-list--bookmark",
        "episode-list--unread-marker",
        "episode-list--empty",
    }

    cursor: reactive[int] = reactive(-1, always_update=True, init=False)

    class Highlighted(Message):
        """The cursor moved to another entry."""

        def __init__(self, episode_list: EpisodeList, row: Row | None) -> None:
            super().__init__()
            self.episode_list = episode_list
            self.row = row

        @property
        def control(self) -> EpisodeList:
            return self.episode_list

    class Chosen(Message):
        """The user pressed enter (or clicked) on an entry: open it."""

        def __init__(self, episode_list: EpisodeList, row: Row) -> None:
            super().__init__()
            self.episode_list = episode_list
            self.row = row

        @property
        def control(self) -> EpisodeList:
            return self.episode_list

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self._lines: list[Row | Header] = []
        self._marks_of: Callable[[str], Marks] = lambda _id: Marks()
        self.empty_message = "No entries."
        self.row_count = 0
        self._show_len = 0

    # -- data ------------------------------------------------------------------
    def set_lines(
        self,
        lines: Lines,
        marks_of: Callable[[str], Marks],
        *,
        keep: str | None = None,
    ) -> None:
        """Swap in lines built by ``build_lines`` (O(1) here, but for finding ``keep``)."""
        self._lines = lines.lines
        self._show_len = lines.show_len
        self._marks_of = marks_of
        self.row_count = lines.row_count
        self.virtual_size = Size(self.size.width, len(self._lines))
        target = self._line_of(keep) if keep else -1
        if target < 0:
            target = self._next_row(-1, 1)
        self.cursor = target
        self.refresh()

    def _line_of(self, entry_id: str) -> int:
        """Line number of an entry, or -1: a scan outward from the cursor, no index kept.

        Why no id -> line dict: it was built again for every listing (each
        search keystroke) to answer a question or two, mostly about the entry
        under the cursor or next to it (kept, next, previous); at ~66 bytes a
        row it was 6.6 MB at 100k rows (33 MB at 500k), and building it cost
        more than a scan of every line.
        """
        lines = self._lines
        n = len(lines)
        here = min(max(self.cursor, 0), n - 1)
        for step in range(n):
            for i in (here + step, here - step) if step else (here,):
                if 0 <= i < n and isinstance(line := lines[i], Row) and line.id == entry_id:
                    return i
        return -1

    def has_id(self, entry_id: str) -> bool:
        """Is this entry listed?"""
        return self._line_of(entry_id) >= 0

    def listed(self, ids: Collection[str]) -> set[str]:
        """Which of ``ids`` are listed: one pass over the lines, however many are asked."""
        wanted = set(ids)
        return (
            {x.id for x in self._lines if isinstance(x, Row) and x.id in wanted}
            if wanted
            else set()
        )

    def refresh_marks(self, marks_of: Callable[[str], Marks]) -> None:
        """Marks changed but rows did not: redraw the markers only."""
        self._marks_of = marks_of
        self.refresh()

    @property
    def current(self) -> Row | None:
        """The entry under the cursor, if any."""
        if 0 <= self.cursor < len(self._lines):
            line = self._lines[self.cursor]
            if isinstance(line, Row):
                return line
        return None

    @property
    def rows_in_order(self) -> list[Row]:
        """All rows (headers left out), in display order."""
        return [line for line in self._lines if isinstance(line, Row)]

    def select_id(self, entry_id: str) -> bool:
        """Put the cursor on an entry; False if it is not in the list."""
        line = self._line_of(entry_id)
        if line < 0:
            return False
        self.cursor = line
        return True

    def _next_row(self, start: int, step: int) -> int:
        """Index of the next Row line from ``start`` in direction ``step``, or -1."""
        i = start + step
        n = len(self._lines)
        while 0 <= i < n:
            if isinstance(self._lines[i], Row):
                return i
            i += step
        return -1

    def next_matching(self, step: int, keep: Callable[[Row], bool]) -> Row | None:
        """The first row after (``step`` 1) or before (-1) the cursor that ``keep`` accepts."""
        i = self._next_row(self.cursor, step)
        while i >= 0:
            line = self._lines[i]
            if isinstance(line, Row) and keep(line):
                return line
            i = self._next_row(i, step)
        return None

    # -- cursor ----------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        if new >= 0:
            self._scroll_cursor_visible()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def _scroll_cursor_visible(self) -> None:
        top = self.cursor
        # show the group header above the first row of a group too
        if top > 0 and isinstance(self._lines[top - 1], Header):
            top -= 1
        region = Region(0, top, 1, self.cursor - top + 1)
        self.scroll_to_region(region, animate=False, force=True, immediate=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._lines))
        if self.cursor >= 0:
            self._scroll_cursor_visible()

    def action_cursor_down(self) -> None:
        nxt = self._next_row(self.cursor, 1)
        if nxt >= 0:
            self.cursor = nxt

    def action_cursor_up(self) -> None:
        prv = self._next_row(self.cursor, -1)
        if prv >= 0:
            self.cursor = prv

    def _move_by(self, lines: int) -> None:
        if not self._lines:
            return
        target = max(0, min(len(self._lines) - 1, self.cursor + lines))
        step = 1 if lines > 0 else -1
        if not isinstance(self._lines[target], Row):
            alt = self._next_row(target, step)
            target = alt if alt >= 0 else self._next_row(target, -step)
        if target >= 0:
            self.cursor = target

    def action_page_down(self) -> None:
        self._move_by(max(1, self.scrollable_content_region.height - 1))

    def action_page_up(self) -> None:
        self._move_by(-max(1, self.scrollable_content_region.height - 1))

    def action_first(self) -> None:
        first = self._next_row(-1, 1)
        if first >= 0:
            self.cursor = first

    def action_last(self) -> None:
        last = self._next_row(len(self._lines), -1)
        if last >= 0:
            self.cursor = last

    def action_choose(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Chosen(self, row))

    async def _on_click(self, event: events.Click) -> None:
        line = event.y + int(self.scroll_y)
        if 0 <= line < len(self._lines) and isinstance(self._lines[line], Row):
            already = line == self.cursor
            self.cursor = line
            if already or event.chain > 1:
                self.action_choose()

    # -- rendering -------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self._lines:
            if y == 1:
                style = self.get_component_rich_style("episode-list--empty")
                text = Text(" " + safe_line(self.empty_message), style=style, no_wrap=True)
                return self._strip(text, width, base)
            return Strip.blank(width, base)
        line_no = y + int(self.scroll_y)
        if line_no >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[line_no]
        if isinstance(line, Header):
            style = self.get_component_rich_style("episode-list--header")
            return self._strip(Text(safe_line(line.text), style=style), width, base)
        return self._strip(self._row_text(line, line_no == self.cursor), width, base)

    def _row_text(self, row: Row, is_cursor: bool) -> Text:
        marks = self._marks_of(row.id)
        style = self.get_component_rich_style
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" ★" if marks.bookmarked else "  ", style("episode-list--bookmark"))
        text.append("●" if not marks.read else " ", style("episode-list--unread-marker"))
        text.append(" ")
        width = show_width(self.scrollable_content_region.width, self._show_len)
        if width:
            show = Text(safe_line(show_of(row)), style("episode-list--show"))
            show.truncate(width, overflow="ellipsis", pad=True)
            text.append_text(show)
            text.append(" ")
        title_style = style("episode-list--read" if marks.read else "episode-list--unread")
        text.append(safe_line(row.title) or "(untitled)", title_style)
        if is_cursor:
            text.stylize(style("episode-list--cursor"))
        return text

    def _strip(self, text: Text, width: int, base: Style) -> Strip:
        text.no_wrap = True
        text.truncate(max(1, width), overflow="ellipsis", pad=True)
        segments = list(text.render(self.app.console))
        segments = [s for s in segments if s.text != "\n"]
        strip = Strip(segments).apply_style(base)
        return strip.crop_extend(0, width, base)

    @staticmethod
    def _plain(strip: Strip) -> str:
        """Text of a rendered strip (tests and debugging)."""
        return "".join(s.text for s in strip if isinstance(s, Segment))
