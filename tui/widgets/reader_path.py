"""The reader's keyboard path: stops, the point cursor, jumps and the way back.

Why a path: a related entry, the story line and a linked point used to be
reachable only with the mouse (issue 17.1, 16.4). Here each of them is a
focusable row (``tui.widgets.reader_parts``) and:

* ``]`` / ``[`` walk the stops: the section headers, then the related entries,
  then the story line and the linked points (and round again);
* ``}`` / ``{`` move the point cursor over the key points and the bullets of
  the open sections (``j``/``k`` keep scrolling line by line);
* ``enter`` on a stop jumps (a chooser when there are several places to go);
* ``backspace`` / ``escape`` ask the screen to go back, which reopens the
  entry at its ``Place`` (scroll position, open folds, the stop it stood on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from textual.containers import VerticalScroll
from textual.events import Click
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Collapsible

from store.models import Entry
from tui.widgets.reader_dialogs import JumpChooser
from tui.widgets.reader_parts import Jump, PointRow, RelatedRow, StoryRow


@dataclass(frozen=True, slots=True)
class Place:
    """Where the reader was in an entry: enough to come back to the same view."""

    entry_id: str
    scroll_y: float
    open_folds: tuple[int, ...]
    stop: str | None


class ReaderPath(VerticalScroll):
    """The keyboard path of the reader (a base of ``Reader``, which lays the entry out)."""

    entry: Entry | None

    class OpenRelated(Message):
        """The user chose an entry to jump to (related, a story's, a linked point's)."""

        def __init__(self, reader: ReaderPath, entry_id: str) -> None:
            super().__init__()
            self.reader = reader
            self.entry_id = entry_id

        @property
        def control(self) -> ReaderPath:
            return self.reader

    class Back(Message):
        """backspace / escape: back to the entry this one was reached from (or the list)."""

    class AtEnd(Message):
        """space at the bottom of the entry: the next unread one, please."""

    class Keep(Message):
        """h / H on a point: keep it (``ask_note``: with a note), or let it go."""

        def __init__(self, entry_id: str, text: str, *, ask_note: bool) -> None:
            super().__init__()
            self.entry_id = entry_id
            self.text = text
            self.ask_note = ask_note

    # -- what is where ---------------------------------------------------------
    def _sections(self) -> list[Collapsible]:
        """The top-level detail sections, in order (nested ones fold with their parent)."""
        return [c for c in self.query(".reader-section").results(Collapsible) if c.parent is self]

    def points(self) -> list[PointRow]:
        """The points the cursor can stand on: key points, and bullets of open sections."""
        return [
            p
            for p in self.query(PointRow).results(PointRow)
            if not any(isinstance(a, Collapsible) and a.collapsed for a in p.ancestors)
        ]

    def _stops(self) -> list[Widget]:
        # by type name: CollapsibleTitle is not exported by textual.widgets
        titles: list[Widget] = [c.query_one("CollapsibleTitle") for c in self._sections()]
        related: list[Widget] = list(self.query(RelatedRow).results(RelatedRow))
        story: list[Widget] = list(self.query(StoryRow).results(StoryRow))
        linked: list[Widget] = [p for p in self.points() if p.also]
        return titles + related + story + linked

    def _land(self, widget: Widget) -> None:
        widget.focus(scroll_visible=False)
        self.scroll_to_widget(widget, animate=False)

    # -- actions ---------------------------------------------------------------
    def action_stop(self, step: int) -> None:
        """] / [: the next / previous stop (enter on a section header folds it).

        Tab cannot reach the stops (it switches panes), so these keys do; the
        reader's other keys keep working while a stop has the focus.
        """
        stops = self._stops()
        if not stops:
            return
        focused = self.screen.focused
        index = stops.index(focused) if focused in stops else (-1 if step > 0 else 0)
        self._land(stops[(index + step) % len(stops)])

    def action_point(self, step: int) -> None:
        """} / {: the point cursor to the next / previous point (stays at either end)."""
        points = self.points()
        if not points:
            if self.entry is not None:
                self.app.notify("No points here (open a section with 1…9 for its bullets).")
            return
        focused = self.screen.focused
        if isinstance(focused, PointRow) and focused in points:
            index = max(0, min(len(points) - 1, points.index(focused) + step))
        else:
            # from wherever the eye is: the first point on screen (or the last, going up)
            shown = [i for i, p in enumerate(points) if p.region.height]
            index = (shown[0] if step > 0 else shown[-1]) if shown else 0
        self._land(points[index])

    def action_activate(self) -> None:
        """enter: open the related entry, or choose among the story's / the point's others."""
        focused = self.screen.focused
        if isinstance(focused, RelatedRow):
            self.post_message(self.OpenRelated(self, focused.item.id))
        elif isinstance(focused, StoryRow):
            self._choose("Entries of this story", focused.story.entries)
        elif isinstance(focused, PointRow):
            if focused.also:
                self._choose("Also stated by", focused.also)
            else:
                self.app.notify("No other source states this point.", timeout=2)
        elif self.entry is not None:
            self.app.notify("] moves to sections, related entries and linked points.", timeout=3)

    def _choose(self, title: str, jumps: Sequence[Jump]) -> None:
        """One place to go: go; several: a chooser (escape stays)."""
        if not jumps:
            self.app.notify("No other entry to go to.", timeout=2)
            return
        if len(jumps) == 1:
            self.post_message(self.OpenRelated(self, jumps[0].id))
            return

        def chosen(entry_id: str | None) -> None:
            if entry_id:
                self.post_message(self.OpenRelated(self, entry_id))

        self.app.push_screen(JumpChooser(title, jumps), chosen)

    def action_back(self) -> None:
        self.post_message(self.Back())

    def action_keep(self, ask_note: bool) -> None:
        """h / H: keep the point under the point cursor (H: with a note); h again lets it go."""
        focused = self.screen.focused
        if self.entry is None:
            return
        if not isinstance(focused, PointRow):
            self.app.notify("Move the point cursor onto a point first (} / {).", timeout=3)
            return
        self.post_message(self.Keep(self.entry.id, focused.text.strip(), ask_note=ask_note))

    def on_click(self, event: Click) -> None:
        """A click on a related row opens it, as enter does."""
        row = event.widget
        if isinstance(row, RelatedRow):
            row.focus(scroll_visible=False)
            self.action_activate()

    # -- the way back ----------------------------------------------------------
    def place(self) -> Place | None:
        """Where the reader is now (None: no entry shown)."""
        if self.entry is None:
            return None
        folds = list(self.query(Collapsible).results(Collapsible))
        open_folds = tuple(i for i, c in enumerate(folds) if not c.collapsed)
        return Place(self.entry.id, self.scroll_y, open_folds, self._stop_key(self.screen.focused))

    def _stop_key(self, widget: Widget | None) -> str | None:
        if isinstance(widget, RelatedRow):
            return "related:" + widget.item.id
        if isinstance(widget, StoryRow):
            return "story"
        if isinstance(widget, PointRow):
            return f"point:{list(self.query(PointRow)).index(widget)}"
        titles = [c.query_one("CollapsibleTitle") for c in self.query(Collapsible)]
        if widget is not None and widget in titles:
            return f"fold:{titles.index(widget)}"
        return None

    def _stop_widget(self, key: str | None) -> Widget | None:
        if key is None:
            return None
        kind, _, rest = key.partition(":")
        if kind == "related":
            rows = [r for r in self.query(RelatedRow).results(RelatedRow) if r.item.id == rest]
            return rows[0] if rows else None
        if kind == "story":
            return next(iter(self.query(StoryRow)), None)
        pool: list[Widget] = (
            list(self.query(PointRow))
            if kind == "point"
            else [c.query_one("CollapsibleTitle") for c in self.query(Collapsible)]
        )
        n = int(rest) if rest.isdigit() else -1
        return pool[n] if 0 <= n < len(pool) else None

    def restore(self, place: Place) -> None:
        """Back at an entry: the same folds open, the same stop focused, the same scroll."""
        folds = list(self.query(Collapsible).results(Collapsible))
        for i in place.open_folds:
            if i < len(folds):
                folds[i].collapsed = False

        def settle() -> None:
            widget = self._stop_widget(place.stop)
            (widget or self).focus(scroll_visible=False)
            self.scroll_to(y=place.scroll_y, animate=False)

        # after the folds' own scroll-into-view (queued on their toggle) and the new layout
        self.call_after_refresh(self.call_after_refresh, settle)
