"""The main screen: Navigator | Episodes | Reader, a search bar and the footer.

The screen owns the state that ties the panes together (selection, query,
the entry being read) and every action that writes to the library. All
library work runs in thread workers that hand results back with
``app.call_from_thread``; the widgets only ever see plain ``Row``/``Entry``
objects. A stale worker result (the user typed on) is dropped by comparing a
request counter, as in Textual's dictionary example.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from store.errors import DigestError
from store.index.select import select_rows
from store.models import EMPTY_MARKS, Marks
from store.storage.library import Row
from tui.dialogs.add_tag import AddTagDialog
from tui.dialogs.remove_tag import RemoveTagDialog
from tui.keys import MAIN_BINDINGS
from tui.screens.main_commands import LibraryCommands
from tui.widgets.display import line as safe_line
from tui.widgets.episode_list import EpisodeList, Lines, build_lines
from tui.widgets.navigator import NavData, Navigator, Selection, TagCount, count_rows
from tui.widgets.reader import SELECT_HINT, Reader, RelatedItem, web_link

if TYPE_CHECKING:
    from store.models import Entry
    from store.storage.library import Library

NARROW_WIDTH = 120
LOADING = "Loading library…"
# actions that need the open library (disabled while it loads)
LIBRARY_ACTIONS = frozenset(
    {
        "search",
        "toggle_bookmark",
        "add_tag",
        "remove_tag",
        "toggle_read",
        "step_entry",
        "refresh",
        "open_link",
        "copy_link",
    }
)
EMPTY_HELP = (
    "Your library is empty.\n\n"
    "Add digests from files:   digest-tui ingest PATH…\n"
    "Add feeds:                list them under `feeds:` in feeds.yaml\n"
    "                          (digest-tui import-opml FILE adds many), then press r.\n"
)


def query_error_text(exc: Exception) -> str:
    """'message (at column N)' for a store.index.query.QueryError, else the message."""
    pos = getattr(exc, "position", None)
    msg = safe_line(str(getattr(exc, "message", None) or exc))
    return f"{msg} (at column {pos + 1})" if isinstance(pos, int) else msg


def is_query_error(exc: Exception) -> bool:
    """True for the filter language's error, without importing it (it may not exist yet)."""
    return type(exc).__name__ == "QueryError"


def report_worker_error(app: App[Any], event: Worker.StateChanged) -> None:
    """Tell the user a background job failed, in one line (details go to the log)."""
    if event.state != WorkerState.ERROR:
        return
    error = event.worker.error
    app.log.error(f"worker {event.worker.name} failed: {error!r}")
    message = (
        safe_line(str(error))
        if isinstance(error, DigestError)
        else safe_line(f"{type(error).__name__}: {error}")
    )
    app.notify(
        message or "A background task failed.", title="Error", severity="error", markup=False
    )


class MainScreen(Screen[None]):
    """Three panes; narrow terminals show the list or the reader, not both."""

    CSS_PATH = "main.tcss"
    BINDINGS = MAIN_BINDINGS
    COMMANDS = {LibraryCommands}
    AUTO_FOCUS = "#episodes"

    def __init__(self, lib: Library | None, *, config_override: str | None = None) -> None:
        super().__init__()
        # None while the app opens the library in a thread: the frame is drawn first
        self._lib = lib
        self.config_override = config_override
        self.selection = Selection("all")
        self.search_query = ""
        # opened here: stays listed under Unread until the view changes
        self.sticky: set[str] = set()
        self.marks: dict[str, Marks] = {}
        self._token = 0
        self._generation_seen = -1
        self._nav_tags: list[TagCount] = []
        self._nav_data = NavData()
        self.refreshing = False
        # the tag summary is scheduled after the first list paint; tests wait on this
        self.tags_pending = False
        self._listed_once = False
        self._empty_help = False  # the reader shows EMPTY_HELP

    @property
    def lib(self) -> Library:
        """The open library (only reached once ``attach`` ran: actions check first)."""
        if self._lib is None:
            raise RuntimeError("the library is still loading")
        return self._lib

    @property
    def loaded(self) -> bool:
        return self._lib is not None

    def attach(self, lib: Library) -> None:
        """The library is open: list it (the tag summary follows the first paint)."""
        self._lib = lib
        self.refresh_bindings()
        self.requery()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Library actions are shown disabled until the library is open."""
        if action in LIBRARY_ACTIONS and self._lib is None:
            return None
        return True

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield Navigator(id="nav")
            with Vertical(id="middle"):
                yield Input(
                    placeholder='filter: words "phrase" +tag -tag is:unread source:NAME @7-days-ago',
                    id="search",
                )
                yield Static(id="search-error")
                yield EpisodeList(id="episodes")
            yield Reader(id="reader")
        yield ProgressBar(id="refresh-progress", show_eta=False)
        yield Footer()

    @property
    def episodes(self) -> EpisodeList:
        return self.query_one("#episodes", EpisodeList)

    @property
    def reader(self) -> Reader:
        return self.query_one("#reader", Reader)

    @property
    def navigator(self) -> Navigator:
        return self.query_one("#nav", Navigator)

    def on_mount(self) -> None:
        self.query_one("#nav").border_title = "Navigator"
        self.query_one("#middle").border_title = "Episodes"
        self.reader.border_title = "Reader"
        self.query_one("#search").display = False
        self.query_one("#search-error").display = False
        self.query_one("#refresh-progress").display = False
        self._apply_width(self.app.size.width)
        # no entry open yet: the list gets the width the reader will take (main.tcss)
        self.add_class("idle")
        if self._lib is None:
            self.episodes.empty_message = LOADING
            self.query_one("#middle").border_title = "Episodes · loading…"
        else:
            self.requery()

    def on_resize(self, event: Resize) -> None:
        self._apply_width(event.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width < NARROW_WIDTH, "narrow")

    def _set_reading(self, reading: bool) -> None:
        self.set_class(reading, "reading")

    @on(Navigator.Selected)
    def _nav_selected(self, event: Navigator.Selected) -> None:
        if event.selection != self.selection:
            self.selection = event.selection
            self.sticky.clear()
            self.requery()
        if event.chosen:
            self.focus_pane(self.episodes)

    def focus_pane(self, pane: Widget) -> None:
        """Focus a pane; in a narrow terminal also swap which panes are shown."""
        self._set_reading(pane is self.reader)
        self.call_after_refresh(pane.focus)

    def action_pane(self, step: int) -> None:
        panes: list[Widget] = [self.navigator, self.episodes, self.reader]
        focused = self.focused
        index = 1
        for i, pane in enumerate(panes):
            if focused is not None and (focused is pane or pane in focused.ancestors):
                index = i
        if focused is not None and focused.id == "search":
            index = 1
        self.focus_pane(panes[(index + step) % len(panes)])

    def on_descendant_focus(self, event: Any) -> None:
        widget = event.widget if hasattr(event, "widget") else self.focused
        if widget is None:
            return
        in_reader = widget is self.reader or self.reader in widget.ancestors
        self._set_reading(in_reader)

    # -- listing ---------------------------------------------------------------
    def _wanted(self, marks: dict[str, Marks]) -> Callable[[Row], bool] | None:
        sel = self.selection
        sticky = self.sticky
        if sel.kind == "unread":
            return lambda r: r.id in sticky or not marks.get(r.id, EMPTY_MARKS).read
        if sel.kind == "bookmarks":
            return lambda r: r.id in sticky or marks.get(r.id, EMPTY_MARKS).bookmarked
        if sel.kind == "source":
            return lambda r: r.source == sel.value
        if sel.kind == "tag":
            tag = sel.value

            def has_tag(r: Row) -> bool:
                m = marks.get(r.id)
                if m is None:
                    return tag in r.auto_tags
                return tag in m.user_tags or (tag in r.auto_tags and tag not in m.removed_auto)

            return has_tag
        return None

    def requery(self) -> None:
        """List the rows of the current selection and query (in a worker)."""
        if self._lib is None:
            return  # attach() lists once the library is open
        self._token += 1
        keep = self.episodes.current.id if self.episodes.current else None
        self._listing_worker(self._token, self.search_query, keep)

    @work(thread=True, exclusive=True, group="listing", exit_on_error=False)
    def _listing_worker(self, token: int, query: str, keep: str | None) -> None:
        """Everything the paint needs, computed here: rows, list lines, counts.

        One marks snapshot per listing (``all_marks`` already copies), shared by
        the filter, the counts and the list's markers; the list's lines (group
        headers included) are built here too, so the UI thread only swaps them in.
        """
        lib = self.lib
        marks = lib.all_marks()
        error = None
        rows: list[Row] | None
        try:
            rows = select_rows(lib, query)
        except ImportError:
            rows, error = None, "search is not available in this build"
        except Exception as exc:  # store.index.query.QueryError, or a library failure
            if not (is_query_error(exc) or isinstance(exc, DigestError)):
                raise
            rows, error = None, query_error_text(exc)
        wanted = self._wanted(marks)
        if rows is not None and wanted is not None:
            rows = [r for r in rows if wanted(r)]
        nav = count_rows(lib.rows(), marks)
        generation = lib.generation
        lines = build_lines(rows) if rows is not None else None
        self.app.call_from_thread(
            self._apply_listing, token, lines, marks, nav, error, keep, generation
        )

    def _apply_listing(
        self,
        token: int,
        lines: Lines | None,
        marks: dict[str, Marks],
        nav: NavData,
        error: str | None,
        keep: str | None,
        generation: int,
    ) -> None:
        if token != self._token:
            return  # the user moved on; a newer listing is coming
        self.marks = marks
        err = self.query_one("#search-error", Static)
        err.display = bool(error)
        err.update(Text(error or ""))
        nav.tags = self._nav_tags
        self._nav_data = nav
        self.navigator.show_data(nav, self.selection)
        if lines is not None:
            episodes = self.episodes
            episodes.empty_message = (
                "The library is empty." if not nav.total else "Nothing matches this view."
            )
            keep = keep or (self.reader.entry.id if self.reader.entry else None)
            episodes.set_lines(lines, self._marks_of, keep=keep)
            self.query_one("#middle").border_title = Text(self._episodes_title(lines))  # type: ignore[assignment]
        if not nav.total and self.reader.entry is None:
            self.remove_class("idle")  # the how-to needs the reader's width
            self._empty_help = True
            self.call_later(self.reader.show_message, EMPTY_HELP)
        elif nav.total and self._empty_help and self.reader.entry is None:
            # entries arrived (first-run samples, an ingest, a refresh): the how-to
            # for an empty library would now be wrong
            self._empty_help = False
            self.add_class("idle")
            self.call_later(self.reader.show_message, SELECT_HINT)
        if not self._listed_once:
            # the tag summary is the heaviest job at start (~1 s at 100k): start it
            # only once the list is on screen, so it never competes with first paint
            self._listed_once = True
            self._generation_seen = generation
            self.tags_pending = True
            self.call_after_refresh(self._start_tags)
        elif generation != self._generation_seen:
            self._generation_seen = generation
            self.load_tags()

    def _start_tags(self) -> None:
        self.tags_pending = False
        self.load_tags()

    def _episodes_title(self, lines: Lines) -> str:
        """'Episodes · Unread · 12': in Unread/Bookmarks, entries kept for you are counted apart."""
        title = f"Episodes · {self.selection.label()} · {lines.row_count}"
        kept = 0
        if self.selection.kind in ("unread", "bookmarks") and self.sticky:
            marks = self.marks
            key = "read" if self.selection.kind == "unread" else "bookmarked"
            for entry_id in self.sticky:
                m = marks.get(entry_id, EMPTY_MARKS)
                left = m.read if key == "read" else not m.bookmarked
                if left and self.episodes.has_id(entry_id):
                    kept += 1
        if kept:
            title = (
                f"Episodes · {self.selection.label()} · {lines.row_count - kept}"
                f" (+{kept} {'read' if self.selection.kind == 'unread' else 'unbookmarked'})"
            )
        if self.search_query:
            title += " · /" + safe_line(self.search_query)
        return title

    def _marks_of(self, entry_id: str) -> Marks:
        return self.marks.get(entry_id, EMPTY_MARKS)

    @work(thread=True, exclusive=True, group="tags", exit_on_error=False)
    def load_tags(self) -> None:
        """The navigator's tag section (store.index.tagindex), computed off the UI thread."""
        try:
            from store.index.tagindex import tag_summary
        except ImportError:
            return
        try:
            stats = tag_summary(self.lib)
        except DigestError as exc:
            self.app.call_from_thread(self.app.notify, safe_line(str(exc)), severity="error")
            return
        tags = [
            TagCount(
                s.tag, s.entries, getattr(s, "sources", 1), tuple(getattr(s, "weekly", ()) or ())
            )
            for s in stats
        ]
        # cross-source tags first (most sources), then by size
        tags.sort(key=lambda t: (-(t.sources > 1), -t.sources, -t.entries, t.tag))
        self.app.call_from_thread(self._apply_tags, tags)

    def _apply_tags(self, tags: list[TagCount]) -> None:
        self._nav_tags = tags
        self._nav_data.tags = tags
        self.navigator.show_data(self._nav_data, self.selection)

    # -- opening ---------------------------------------------------------------
    @on(EpisodeList.Chosen)
    def _chosen(self, event: EpisodeList.Chosen) -> None:
        self.open_entry(event.row.id, focus=True)

    @on(Reader.OpenRelated)
    def _open_related(self, event: Reader.OpenRelated) -> None:
        if not self.episodes.select_id(event.entry_id):
            # not in this view: widen to All so n/p keep making sense
            self.selection = Selection("all")
            self.search_query = ""
            self.query_one("#search", Input).value = ""
        self.open_entry(event.entry_id, focus=True)

    def open_entry(self, entry_id: str, *, focus: bool = False) -> None:
        """Load an entry in a worker, show it, mark it read."""
        self.sticky.add(entry_id)
        if focus:
            self.focus_pane(self.reader)
        self._open_worker(entry_id)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_worker(self, entry_id: str) -> None:
        lib = self.lib
        try:
            entry = lib.get(entry_id)
            if not lib.marks(entry_id).read:
                lib.set_read([entry_id], True)
            related = self._related(entry_id)
        except DigestError as exc:
            self.app.call_from_thread(self.app.notify, safe_line(str(exc)), severity="error")
            return
        marks = lib.marks(entry_id)
        tags = lib.effective_tags(entry_id)
        self.app.call_from_thread(self._show_entry, entry, marks, tags, related)

    def _related(self, entry_id: str) -> list[RelatedItem]:
        try:
            from store.index.tagindex import related_entries
        except ImportError:
            return []
        return [
            RelatedItem(r.id, r.title, tuple(r.shared_tags))
            for r in related_entries(self.lib, entry_id, limit=10)
        ]

    async def _show_entry(
        self,
        entry: Entry,
        marks: Marks,
        tags: tuple[Sequence[str], Sequence[str]],
        related: list[RelatedItem],
    ) -> None:
        await self.reader.show_entry(entry, marks, tags, related)
        self.remove_class("idle")
        self.reader.border_title = Text("Reader · " + (safe_line(entry.show or entry.source.name)))  # type: ignore[assignment]
        self.marks[entry.id] = marks
        self.episodes.refresh_marks(self._marks_of)
        self.requery()

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

    # -- the entry a key acts on ---------------------------------------------
    def target_id(self) -> str | None:
        """The reader's entry when reading, else the list's cursor."""
        focused = self.focused
        reading = focused is not None and (
            focused is self.reader or self.reader in focused.ancestors
        )
        if reading and self.reader.entry is not None:
            return self.reader.entry.id
        row = self.episodes.current
        if row is not None:
            return row.id
        return self.reader.entry.id if self.reader.entry else None

    def _title_of(self, entry_id: str) -> str:
        try:
            return self.lib.row(entry_id).title
        except DigestError:
            return entry_id

    def _write(self, fn: Callable[[], Any], after: Callable[[Any], None] | None = None) -> None:
        """Run a library write off the UI thread; report failure as a notification."""

        def job() -> None:
            try:
                result = fn()
            except DigestError as exc:
                self.app.call_from_thread(self.app.notify, safe_line(str(exc)), severity="error")
                return
            self.app.call_from_thread(self._after_write, after, result)

        self.run_worker(job, thread=True, group="writes", exit_on_error=False)

    def _after_write(self, after: Callable[[Any], None] | None, result: Any) -> None:
        if after is not None:
            after(result)
        entry = self.reader.entry
        if entry is not None:
            self.reader.update_marks(self.lib.marks(entry.id), self.lib.effective_tags(entry.id))
        self.requery()

    def action_toggle_bookmark(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        self.sticky.add(entry_id)

        def done(on: bool) -> None:
            self.app.notify("Bookmarked." if on else "Bookmark removed.", timeout=2)

        self._write(lambda: self.lib.toggle_bookmark(entry_id), done)

    def action_toggle_read(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        self.sticky.add(entry_id)
        read = not self.lib.marks(entry_id).read
        self._write(lambda: self.lib.set_read([entry_id], read))

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
            self._write(
                lambda: self.lib.add_tags([entry_id], [tag]),
                lambda _r: (
                    self.app.notify(f"Tagged #{safe_line(tag)}.", timeout=2),
                    self.load_tags(),
                ),
            )

    def _all_tags(self) -> list[str]:
        try:
            from store.index.tagindex import all_tags

            return list(all_tags(self.lib))
        except ImportError:  # the tag index is not there: the tags the rows carry
            tags: set[str] = set()
            for row in self.lib.rows():
                tags.update(row.auto_tags)
            for m in self.marks.values():
                tags.update(m.user_tags)
            return sorted(tags)
        except DigestError:
            return []

    def action_remove_tag(self) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            return
        auto, user = self.lib.effective_tags(entry_id)
        if not auto and not user:
            self.app.notify("This entry has no tags.", timeout=2)
            return
        self._untag_dialog(entry_id, auto, user)

    @work(group="dialog", exit_on_error=False)
    async def _untag_dialog(self, entry_id: str, auto: Sequence[str], user: Sequence[str]) -> None:
        tag = await self.app.push_screen_wait(RemoveTagDialog(self._title_of(entry_id), auto, user))
        if tag:
            self._write(
                lambda: self.lib.remove_tags([entry_id], [tag]),
                lambda _r: (
                    self.app.notify(f"Removed #{safe_line(tag)}.", timeout=2),
                    self.load_tags(),
                ),
            )

    # -- links -----------------------------------------------------------------
    def _link(self) -> str | None:
        entry_id = self.target_id()
        if entry_id is None:
            return None
        try:
            link = self.lib.row(entry_id).link
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
        if url:
            self.app.open_url(url)
            self.app.notify(Text("Opening " + url).plain, timeout=2, markup=False)

    def action_copy_link(self) -> None:
        url = self._link()
        if url:
            self.app.copy_to_clipboard(url)
            self.app.notify("Link copied.", timeout=2)

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
        focused = self.focused
        if focused is self.reader or (focused is not None and self.reader in focused.ancestors):
            self.focus_pane(self.episodes)
            return
        if search.display or self.search_query:
            search.value = ""
            search.display = False
            self.search_query = ""
            self.requery()
            self.focus_pane(self.episodes)

    # -- refresh ---------------------------------------------------------------
    def action_refresh(self) -> None:
        if self.refreshing:
            self.app.notify("A refresh is already running.", timeout=2)
            return
        self.refreshing = True
        bar = self.query_one("#refresh-progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._refresh_worker()

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh_worker(self) -> None:
        call = self.app.call_from_thread
        try:
            from store.config import load_config
            from store.paths import config_file
            from store.sync.feeds import refresh
        except ImportError:
            call(self._refresh_done, None, "Refreshing feeds is not available in this build.")
            return
        try:
            config = load_config(config_file(self.config_override))
            feeds = list(getattr(config, "feeds", ()) or ())
            call(self._refresh_start, len(feeds))
            report = refresh(self.lib, config, progress=lambda r: call(self._refresh_progress, r))
        except DigestError as exc:
            call(self._refresh_done, None, safe_line(str(exc)))
            return
        call(self._refresh_done, report, None)

    def _refresh_start(self, total: int) -> None:
        bar = self.query_one("#refresh-progress", ProgressBar)
        bar.update(total=max(1, total), progress=0)
        if total == 0:
            self.app.notify(
                "No feeds configured: add some under `feeds:` in feeds.yaml.", timeout=4
            )

    def _refresh_progress(self, result: Any) -> None:
        self.query_one("#refresh-progress", ProgressBar).advance(1)
        if not getattr(result, "ok", True):
            name = safe_line(str(getattr(result, "name", "") or getattr(result, "url", "feed")))
            err = safe_line(str(getattr(result, "error", "") or "failed"))
            self.app.notify(
                f"{name}: {err}", title="Feed error", severity="error", timeout=8, markup=False
            )

    def _refresh_done(self, report: Any, error: str | None) -> None:
        self.refreshing = False
        self.query_one("#refresh-progress", ProgressBar).display = False
        if error:
            self.app.notify(error, severity="error", markup=False)
        elif report is not None:
            new = int(getattr(report, "entries_new", 0) or 0)
            self.app.notify(f"Refresh done: {new} new entr{'y' if new == 1 else 'ies'}.", timeout=4)
        self.requery()
        self.load_tags()

    # -- worker failures -------------------------------------------------------
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker is reported: a notification, not a traceback."""
        report_worker_error(self.app, event)
        if event.state == WorkerState.ERROR and event.worker.group == "refresh":
            self._refresh_done(None, None)

    # -- other instances -------------------------------------------------------
    @work(thread=True, exclusive=True, group="reload", exit_on_error=False)
    def reload_from_disk(self) -> None:
        """Pick up another instance's writes (polled while it holds the UI lock)."""
        try:
            changed = self.lib.reload_if_changed()
        except DigestError as exc:
            self.app.call_from_thread(self.app.notify, safe_line(str(exc)), severity="error")
            return
        if changed:
            self.app.call_from_thread(self.requery)

    # -- palette helpers -------------------------------------------------------
    def go_to(self, selection: Selection) -> None:
        """Point the navigator at a source or tag (from the command palette)."""
        self.selection = selection
        self.sticky.clear()
        self.navigator.show_data(self._nav_data, selection)
        self.requery()
        self.focus_pane(self.episodes)
