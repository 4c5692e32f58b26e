"""The main screen: Navigator | Episodes | Reader, a search bar and the footer.

``MainScreen`` adds the keys that change the library or leave the app to the
view of ``tui.screens.main_view`` (panes, listing, opening): bookmark, read,
tag and untag, links, search, refresh, and picking up another instance's
writes. Each write is one ``store.api`` call in a thread worker, the same
function the matching CLI command calls; its result comes back as a message.
Every worker failure of the screen, whatever the job, is reported by one
handler (``on_worker_state_changed``): a notification, never a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import BindingType
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from store import api
from store.errors import DigestError
from store.views import Selection
from tui.dialogs.add_tag import AddTagDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.remove_tag import RemoveTagDialog
from tui.keys import MAIN_BINDINGS
from tui.screens.main_refresh import MainRefresh
from tui.screens.main_view import FirstListing
from tui.screens.palette import LibraryCommands
from tui.screens.smart_actions import SmartActions
from tui.text import line
from tui.widgets.reader import Reader, web_link
from tui.widgets.reader_dialogs import NoteDialog
from tui.workers import report_worker_error


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def browser_available() -> bool:
    """Whether ``o`` can open anything: over ssh or in a container there is often no browser,
    and saying "Opening…" there while nothing happens is worse than saying so."""
    import webbrowser  # only when a link is opened

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


class MainScreen(SmartActions, MainRefresh):
    """The reader's one screen: the view, plus every key that acts on an entry.

    The keys of saved searches and mute rules come from ``SmartActions``, the
    refresh and its progress from ``MainRefresh``.
    """

    # each widget's styles sit beside it; a screen loads them (same rules, same order as before)
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        "main.tcss",
        "../widgets/episode_list.tcss",
        "../widgets/reader.tcss",
    ]
    BINDINGS: ClassVar[list[BindingType]] = [*MAIN_BINDINGS]
    COMMANDS = {LibraryCommands}
    AUTO_FOCUS = "#episodes"

    class Written(Message):
        """A library write finished: what to say about it, then relist."""

        def __init__(self, after: Callable[[Any], None] | None, result: Any) -> None:
            super().__init__()
            self.after = after
            self.result = result

    class Reloaded(Message):
        """Another instance's writes were picked up."""

    def __init__(self, lib: api.Library | None, *, config_override: str | None = None) -> None:
        super().__init__(lib, config_override=config_override)
        # the state tables as last seen by reload_from_disk (None: no such file yet)
        self._state_seen: object = None
        self._state_polled = False

    # -- writes ------------------------------------------------------------------
    def _title_of(self, entry_id: str) -> str:
        try:
            return api.entry_row(self.lib, entry_id).title
        except DigestError:
            return entry_id

    def _write(self, fn: Callable[[], Any], after: Callable[[Any], None] | None = None) -> None:
        """Run a library write off the UI thread; its result comes back as ``Written``."""

        def job() -> None:
            self.post_message(self.Written(after, fn()))

        self.run_worker(job, thread=True, group="writes", exit_on_error=False)

    @on(Written)
    def _written(self, event: Written) -> None:
        if event.after is not None:
            event.after(event.result)
        entry = self.reader.entry
        if entry is not None:
            marks = api.entry_marks(self.lib, entry.id)
            self.reader.update_marks(marks, api.entry_tags(self.lib, entry.id))
        self.requery()

    def action_toggle_bookmark(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        self.sticky.add(entry_id)

        def done(on: bool) -> None:
            self.app.notify("Bookmarked." if on else "Bookmark removed.", timeout=2)

        self._write(lambda: api.toggle_bookmark(self.lib, entry_id), done)

    def action_toggle_read(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        self.sticky.add(entry_id)
        read = not api.entry_marks(self.lib, entry_id).read
        self._write(lambda: api.mark_read(self.lib, [entry_id], read))

    def action_add_tag(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        self._tag_dialog(entry_id)

    @work(group="dialog", exit_on_error=False)
    async def _tag_dialog(self, entry_id: str) -> None:
        existing = self._all_tags()
        tag = await self.app.push_screen_wait(AddTagDialog(self._title_of(entry_id), existing))
        if tag:
            self.sticky.add(entry_id)

            def tagged(_ids: list[str]) -> None:
                self.app.notify(f"Tagged #{line(tag)}.", timeout=2)
                self.load_tags()
                self.reload_related()

            self._write(lambda: api.tag(self.lib, [entry_id], [tag]), tagged)

    # -- kept points -------------------------------------------------------------
    @on(Reader.Keep)
    def _keep(self, event: Reader.Keep) -> None:
        """h keeps the point under the point cursor, or lets a kept one go; H asks a note."""
        entry_id, text = event.entry_id, event.text
        kept = api.kept_texts(self.lib, entry_id)
        if event.ask_note:
            self._note_dialog(entry_id, text, kept.get(text, ""))
        elif text in kept:
            self._write(
                lambda: api.unkeep_point(self.lib, entry_id, text),
                self._kept_said(entry_id, "No longer kept."),
            )
        else:
            self._write(
                lambda: api.keep_point(self.lib, entry_id, text),
                self._kept_said(entry_id, "Kept ★ (h again lets it go)."),
            )

    @work(group="dialog", exit_on_error=False)
    async def _note_dialog(self, entry_id: str, text: str, note: str) -> None:
        typed = await self.app.push_screen_wait(NoteDialog(text, note))
        if typed is not None:
            said = "Kept ★ with a note." if typed else "Kept ★."
            self._write(
                lambda: api.keep_point(self.lib, entry_id, text, typed),
                self._kept_said(entry_id, said),
            )

    def _kept_said(self, entry_id: str, said: str) -> Callable[[bool], None]:
        def done(_changed: bool) -> None:
            self.show_kept(entry_id)
            self.app.notify(said, timeout=2)

        return done

    # -- undo and changes to the whole view ----------------------------------------
    def action_undo(self) -> None:
        def said(result: tuple[str, int] | None) -> None:
            if result is None:
                self.app.notify("Nothing to undo.", timeout=2)
            else:
                label, n = result
                # a saved search or a mute rule changes no entry's marks: no count to give
                count = f" ({_entries(n)})" if n else ""
                self.app.notify(f"Undone: {label}{count}.", timeout=3, markup=False)
                self.load_tags()

        self._write(lambda: api.undo(self.lib), said)

    def _view_ids(self, where: str = "all") -> list[str]:
        """Ids of the view's rows: all, or those above / below the cursor (cursor's included)."""
        rows = self.episodes.rows_in_order
        here = self.episodes.current
        if where == "all" or here is None:
            return [r.id for r in rows]
        i = next((k for k, r in enumerate(rows) if r.id == here.id), 0)
        return [r.id for r in (rows[: i + 1] if where == "above" else rows[i:])]

    def action_mark_view_read(self, where: str = "all") -> None:
        ids = self._view_ids(where)
        unread = [i for i in ids if not api.entry_marks(self.lib, i).read]
        if not unread:
            self.app.notify("Nothing unread here.", timeout=2)
            return
        what = {"all": "in this view", "above": "above the cursor", "below": "below the cursor"}
        self._bulk(
            f"Mark {_entries(len(unread))} {what[where]} read?",
            lambda: api.mark_read(self.lib, unread, True),
            "marked read",
        )

    def action_bookmark_view(self) -> None:
        ids = self._view_ids()
        self._bulk(
            f"Bookmark {_entries(len(ids))} in this view?",
            lambda: api.bookmark(self.lib, ids, True),
            "bookmarked",
        )

    @work(group="dialog", exit_on_error=False)
    async def action_tag_view(self) -> None:
        ids = self._view_ids()
        if not ids:
            return
        tag = await self.app.push_screen_wait(
            AddTagDialog(f"{_entries(len(ids))} in this view", self._all_tags())
        )
        if tag:
            self._bulk(None, lambda: api.tag(self.lib, ids, [tag]), f"tagged #{tag}")

    @work(group="dialog", exit_on_error=False)
    async def _bulk(self, question: str | None, change: Callable[[], list[str]], done: str) -> None:
        """Ask (when there is a question), change in a worker, say how to undo."""
        if question is not None and not await self.app.push_screen_wait(ConfirmDialog(question)):
            return

        def said(changed: list[str]) -> None:
            msg = f"{_entries(len(changed))} {done} — u to undo" if changed else "Nothing changed."
            self.app.notify(msg, timeout=4, markup=False)
            self.load_tags()
            self.reload_related()

        self._write(change, said)

    def _all_tags(self) -> list[str]:
        try:
            return api.all_tag_names(self.lib)
        except DigestError:
            return []

    def action_remove_tag(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        auto, user = api.entry_tags(self.lib, entry_id)
        if not auto and not user:
            self.app.notify("This entry has no tags.", timeout=2)
            return
        self._untag_dialog(entry_id, auto, user)

    @work(group="dialog", exit_on_error=False)
    async def _untag_dialog(self, entry_id: str, auto: Sequence[str], user: Sequence[str]) -> None:
        tag = await self.app.push_screen_wait(RemoveTagDialog(self._title_of(entry_id), auto, user))
        if tag:

            def removed(_tags: list[str]) -> None:
                self.app.notify(f"Removed #{line(tag)}.", timeout=2)
                self.load_tags()
                self.reload_related()

            self._write(lambda: api.untag(self.lib, [entry_id], [tag]), removed)

    # -- links -----------------------------------------------------------------
    def _link(self) -> str | None:
        entry_id = self.target_id()
        if entry_id is None:
            return None
        try:
            link = api.entry_row(self.lib, entry_id).link
        except DigestError:
            return None
        if not link:
            self.app.notify("This entry has no link.", timeout=2)
            return None
        url = web_link(link)
        if url is None:
            self.app.notify("Only http and https links are opened.", severity="warning", timeout=3)
        return url

    def action_open_link(self) -> None:
        url = self._link()
        if not url:
            return
        if not browser_available():
            self.app.notify(
                "No web browser found here (set $BROWSER): y copies the link instead.",
                severity="warning",
                timeout=5,
            )
            return
        self.app.open_url(url)
        self.app.notify(Text("Opening " + url).plain, timeout=2, markup=False)

    def action_copy_link(self) -> None:
        url = self._link()
        if url:
            self.app.copy_to_clipboard(url)
            self.app.notify("Link copied.", timeout=2)

    def action_play_audio(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        override = self.config_override

        def play() -> str:
            player, url = api.play(self.lib, api.config_in_force(override), entry_id)
            return f"Playing in {player}: {url}"

        self._write(play, lambda said: self.app.notify(line(said), timeout=3, markup=False))

    # -- search ----------------------------------------------------------------
    def action_search(self) -> None:
        search = self.query_one("#search", Input)
        search.display = True
        self._set_reading(False)
        self.call_after_refresh(search.focus)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_query = event.value
        self.requery()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self.episodes.action_first()
        self.focus_pane(self.episodes)

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if self.in_reader():
            self.focus_pane(self.episodes)
            return
        if search.display or self.search_query:
            search.value = ""
            search.display = False
            self.search_query = ""
            self.requery()
            self.focus_pane(self.episodes)

    def action_kept(self) -> None:
        if self._lib is None:
            return
        from tui.screens.kept import KeptScreen  # only when asked for

        if not isinstance(self.app.screen, KeptScreen):
            self.app.push_screen(KeptScreen(self._lib), self._open_kept)

    def _open_kept(self, entry_id: str | None) -> None:
        """The Kept screen chose an entry: open it as a related one is (widening the view)."""
        if entry_id is not None:
            self.post_message(Reader.OpenRelated(self.reader, entry_id))

    # -- the brief -------------------------------------------------------------
    def action_brief(self) -> None:
        if self._lib is None:
            return
        from tui.screens.brief import BriefScreen  # only when asked for

        if not any(isinstance(s, BriefScreen) for s in self.app.screen_stack):
            self.app.push_screen(BriefScreen(self._lib), self.brief_closed)

    def brief_closed(self, entry_id: str | None) -> None:
        """The brief is gone: open the entry it chose, in this view if listed there, else in All."""
        if entry_id is None:
            return
        if not self.episodes.select_id(entry_id):
            self.search_query = ""
            self.query_one("#search", Input).value = ""
            self.go_to(Selection("all"))
        self.open_entry(entry_id, focus=True)

    # -- worker failures -------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker is reported: a notification, not a traceback."""
        report_worker_error(self.app, event)
        if event.state == WorkerState.ERROR and event.worker.group == "refresh":
            self._refresh_over()

    # -- feeds.yaml and other instances ------------------------------------------
    def attach(self, lib: api.Library, first: FirstListing | None = None) -> None:
        """List the library, then take in feeds.yaml's mute rules and saved searches."""
        super().attach(lib, first)
        self._take_config()

    @work(thread=True, group="config", exit_on_error=False)
    def _take_config(self) -> None:
        """A stat when feeds.yaml did not change; else its rules and searches, then a relist."""
        path = api.config_path(self.config_override)
        if (not self.config_override or path.is_file()) and api.sync_config(
            self.lib, path, create=True
        ):
            self.post_message(self.Reloaded())

    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def reload_from_disk(self) -> None:
        """Pick up another instance's writes (polled while it holds the UI lock).

        Mute rules and saved searches live in the state tables: a rule muted from
        the shell changes what is listed, so their file is watched too.
        """
        changed = api.reload_if_changed(self.lib)
        stamp = api.state_stamp(self.lib)
        if self._state_polled and stamp != self._state_seen:
            changed = True
        self._state_seen, self._state_polled = stamp, True
        if changed:
            self.post_message(self.Reloaded())

    @on(Reloaded)
    def _reloaded(self, _event: Reloaded) -> None:
        """Another process wrote: the open entry's marks, the list (cursor kept) and the counts."""
        entry = self.reader.entry
        if entry is not None:
            with contextlib.suppress(DigestError):  # the entry may be gone from the library
                self.reader.update_marks(
                    api.entry_marks(self.lib, entry.id), api.entry_tags(self.lib, entry.id)
                )
        self.requery()
        self.load_tags()
