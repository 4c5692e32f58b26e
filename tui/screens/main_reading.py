"""The main screen's reading half: jumps from the reader and back, next unread, the target.

``MainReading`` builds on the view (``tui.screens.main_view``) with what the
reader's keyboard path asks for: a jump to a related entry (or a story's, or a
linked point's) remembers the reader's ``Place`` on a back-stack, and
``backspace`` reopens it there; ``space`` at the end of an entry opens the next
unread one; ``n``/``p`` and ``N``/``P`` step through the list. It also keeps
the one rule of issue 17.6 (``target_id``) and names its entry above the footer.
"""

from __future__ import annotations

import contextlib

from textual import on, work
from textual.events import DescendantFocus
from textual.message import Message
from textual.widgets import Input

from store import api
from store.errors import DigestError
from store.views import Selection
from tui.screens.main_panes import TargetLine, related_items
from tui.screens.main_view import MainView
from tui.widgets.episode_list import EpisodeList
from tui.widgets.reader import Reader


class MainReading(MainView):
    """The view, plus the reader's jumps, the way back and the keys' target."""

    class RelatedReady(Message):
        """The reader's related entries, asked again after a change of tags."""

        def __init__(self, entry_id: str, related: list[api.Related]) -> None:
            super().__init__()
            self.entry_id = entry_id
            self.related = related

    def reload_related(self) -> None:
        """Tags changed: the reasons (and the related entries) shown may have changed too."""
        entry = self.reader.entry
        if entry is not None:
            self._related_worker(entry.id)

    @work(thread=True, exclusive=True, group="related", exit_on_error=False)
    def _related_worker(self, entry_id: str) -> None:
        self.post_message(
            self.RelatedReady(entry_id, api.related(self.lib, entry_id, complete=False))
        )

    @on(RelatedReady)
    async def _related_ready(self, event: RelatedReady) -> None:
        await self.reader.update_related(event.entry_id, related_items(event.related))

    def on_descendant_focus(self, _event: DescendantFocus) -> None:
        # Textual also runs MainView's handler (handlers of every class in the MRO run)
        self.show_target()

    def entry_shown(self, entry_id: str) -> None:
        self.show_target()
        self.show_kept(entry_id)

    def show_kept(self, entry_id: str) -> None:
        """Badge the shown entry's kept points (a cached lookup: cheap on the UI thread)."""
        with contextlib.suppress(DigestError):  # a read-only library still shows the entry
            self.reader.show_kept(api.kept_texts(self.lib, entry_id))

    @on(EpisodeList.Highlighted)
    def _highlighted(self, _event: EpisodeList.Highlighted) -> None:
        self.show_target()

    def show_target(self) -> None:
        """Name the entry b/m/t would act on now (the one rule of ``target_id``)."""
        line_ = self.query_one("#target-line", TargetLine)
        entry = self.reader.entry
        if self.in_reader() and entry is not None:
            line_.show_target("reader", entry.title)
            return
        row = self.episodes.current
        if row is not None:
            line_.show_target("list", row.title)
        else:
            line_.show_target("reader", entry.title if entry is not None else None)

    @on(Reader.OpenRelated)
    def _open_related(self, event: Reader.OpenRelated) -> None:
        """A jump from the reader: remember where it was, so backspace comes back."""
        place = self.reader.place()
        if place is not None and place.entry_id != event.entry_id:
            self.back_stack.append(place)
        self._open_elsewhere(event.entry_id)

    @on(Reader.Back)
    def _back(self, _event: Reader.Back) -> None:
        """backspace / escape in the reader: the entry jumped from, else the list."""
        if not self.back_stack:
            self.focus_pane(self.episodes)
            return
        place = self.back_stack.pop()
        self._restore = place
        self._open_elsewhere(place.entry_id)

    def _open_elsewhere(self, entry_id: str) -> None:
        if not self.episodes.select_id(entry_id):
            # not in this view: widen to All so n/p keep making sense
            self.selection = Selection("all")
            self.search_query = ""
            self.query_one("#search", Input).value = ""
        self.open_entry(entry_id, focus=True, jump=True)

    @on(Reader.AtEnd)
    def _at_end(self, _event: Reader.AtEnd) -> None:
        """space at the bottom: the next unread entry below, else the first above."""
        episodes = self.episodes
        current = self.reader.entry
        if current is not None:
            episodes.select_id(current.id)

        def unread(r: api.Row) -> bool:
            return not self._marks_of(r.id).read and (current is None or r.id != current.id)

        row = episodes.next_matching(1, unread)
        if row is None:
            row = next((r for r in episodes.rows_in_order if unread(r)), None)
        if row is None:
            if not self._next_source_unread(current.id if current else None):
                self.app.notify("No more unread entries in this view.", timeout=3)
            return
        episodes.select_id(row.id)
        self.open_entry(row.id, focus=True)

    def _next_source_unread(self, current: str | None) -> bool:
        """A source's view read to its end: on to the next source with unread entries.

        As newsboat's next-unread goes on to the next feed: the sources in the
        navigator's order, after this one, wrapping round. Other views (All,
        Unread, a tag) hold no "next" of their kind, so they stop with a word.
        """
        sel = self.selection
        names = [s.name for s in self.nav_data.sources]
        if sel.kind != "source" or sel.value not in names:
            return False
        at = names.index(sel.value)
        unread = [r for r in api.list_rows(self.lib, "is:unread") if r.id != current]
        for name in names[at + 1 :] + names[:at]:
            row = next((r for r in unread if r.source == name), None)
            if row is not None:
                self.app.notify(f"On to {name}: its first unread entry.", timeout=3, markup=False)
                self.go_to(Selection("source", name), keep=row.id)
                self.open_entry(row.id, focus=True)
                return True
        return False

    def action_step_entry(self, step: int) -> None:
        """n / p: open the next / previous episode of the list."""
        episodes = self.episodes
        current = self.reader.entry
        if (
            current is not None
            and episodes.current is not None
            and episodes.current.id != current.id
        ):
            episodes.select_id(current.id)
        before = episodes.cursor
        if step > 0:
            episodes.action_cursor_down()
        else:
            episodes.action_cursor_up()
        row = episodes.current
        if row is None:
            return
        if episodes.cursor == before and current is not None and current.id == row.id:
            self.app.notify("No more episodes this way.", timeout=2)
            return
        self.open_entry(row.id, focus=self.focused is self.reader or self.has_class("reading"))

    def action_step_unread(self, step: int) -> None:
        """N / P: open the next / previous unread entry of this view (newsboat's N, Elfeed's n)."""
        episodes = self.episodes
        current = self.reader.entry

        def unread(r: api.Row) -> bool:
            return not self._marks_of(r.id).read

        if current is not None:
            episodes.select_id(current.id)
        here = episodes.current
        # nothing open yet: the entry under the cursor is the first candidate
        row = here if current is None and here is not None and unread(here) else None
        row = row or episodes.next_matching(step, unread)
        if row is None:
            way = "below" if step > 0 else "above"
            self.app.notify(f"No unread entries {way} in this view.", timeout=2)
            return
        episodes.select_id(row.id)
        self.open_entry(row.id, focus=self.focused is self.reader or self.has_class("reading"))

    # -- the entry a key acts on ---------------------------------------------
    def target_id(self) -> str | None:
        """The reader's entry when reading, else the list's cursor."""
        if self.in_reader() and self.reader.entry is not None:
            return self.reader.entry.id
        row = self.episodes.current
        if row is not None:
            return row.id
        return self.reader.entry.id if self.reader.entry else None
