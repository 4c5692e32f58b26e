"""The main screen's view half: the panes, the listing, the tags and the entry read.

``MainView`` holds the state that ties the panes together (selection, query,
the entry being read) and keeps them in step with the library: it lists, it
counts, it opens. The keys that change the library live in ``MainScreen``
(``tui.screens.main``), which builds on this.

Library work runs in thread workers that call ``store.api`` and post the
result back as a message (``ListingReady``, ``TagsReady``, ``EntryOpened``),
handled here with ``@on`` on the UI thread; a failing worker is reported by
the screen's one worker-error handler. A stale listing (the user typed on) is
dropped by comparing a request counter, as in Textual's dictionary example.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import DescendantFocus, Resize
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import Worker, get_current_worker

from store import api
from store.errors import Stopped
from store.models import EMPTY_MARKS, Marks
from store.views import Listing, NavData, Opened, Selection, TagCount
from tui.screens.main_panes import ListPane, SearchBar, TargetLine, related_items
from tui.text import line
from tui.widgets.episode_list import EpisodeList, Lines, build_lines
from tui.widgets.navigator import Navigator
from tui.widgets.reader import SELECT_HINT, Jump, Reader, StoryLine
from tui.widgets.reader_path import Place

NARROW_WIDTH = 120
FREEZE_ROWS = 20_000  # from this many rows on, attach() takes them out of the gc's walks
LOADING = "Loading library…"
# actions that need the open library (disabled while it loads)
LIBRARY_ACTIONS = frozenset(
    {"search", "toggle_bookmark", "add_tag", "remove_tag", "toggle_read", "step_entry"}
    | {"refresh", "open_link", "copy_link"}
)
EMPTY_HELP = (
    "Your library is empty.\n\n"
    "Add digests from files:   digest-tui ingest PATH…\n"
    "Add feeds:                list them under `feeds:` in feeds.yaml\n"
    "                          (digest-tui import-opml FILE adds many), then press r.\n"
)


FirstListing = tuple[Listing, Lines | None]  # a listing of All, no query, and its lines


def first_listing(lib: api.Library) -> FirstListing:
    """The start screen's listing, made in the thread that opened the library.

    Why: listed by the screen's own worker once it was attached, the rows came
    a paint later: the main thread drew the empty panes first (~0.1-0.2 s
    at any size), then the list. Made here, the panes are drawn once, with it.
    """
    listing = api.list_view(lib, Selection("all"), "")
    return listing, build_lines(listing.rows) if listing.rows is not None else None


class MainView(Screen[None]):
    """Three panes; narrow terminals show the list or the reader, not both."""

    class ListingReady(Message):
        """A listing worker's result: the view's rows as list lines, and their context."""

        def __init__(self, token: int, listing: Listing, lines: Lines | None, keep: str | None):
            super().__init__()
            self.token = token
            self.listing = listing
            self.lines = lines
            self.keep = keep

    class TagsReady(Message):
        """The navigator's tag and story sections, computed off the UI thread by ``worker``."""

        def __init__(
            self,
            tags: list[TagCount],
            stories: tuple[list[api.StoryCount], int],
            worker: Worker[None],
        ) -> None:
            super().__init__()
            self.tags, self.stories, self.worker = tags, stories, worker

    class EntryOpened(Message):
        """An entry was loaded (and marked read) for the reader."""

        def __init__(self, opened: Opened) -> None:
            super().__init__()
            self.opened = opened

    def __init__(self, lib: api.Library | None, *, config_override: str | None = None) -> None:
        super().__init__()
        # None while the app opens the library in a thread: the frame is drawn first
        self._lib = lib
        self._first: FirstListing | None = None  # see attach_on_mount
        self.config_override = config_override
        self.selection = Selection("all")
        self.search_query = ""
        # opened here: stays listed under Unread until the view changes
        self.sticky: set[str] = set()
        self.marks: dict[str, Marks] = {}
        self._token = 0
        self._generation_seen = -1
        self._nav_tags: list[TagCount] = []
        self._nav_stories: tuple[list[api.StoryCount], int] = ([], 0)
        self.nav_data = NavData()  # what the navigator shows (the palette reads it too)
        # the tag summary is scheduled after the first list paint; tests wait on this
        self.tags_pending = False
        self._listed_once = False
        self._after_listing: list[Callable[[], object]] = []
        self._empty_help = False  # the reader shows EMPTY_HELP
        # the entries left by a jump (related, story, linked point): backspace returns
        self.back_stack: list[Place] = []
        self._restore: Place | None = None

    @property
    def lib(self) -> api.Library:
        """The open library (only reached once ``attach`` ran: actions check first)."""
        if self._lib is None:
            raise RuntimeError("the library is still loading")
        return self._lib

    @property
    def loaded(self) -> bool:
        return self._lib is not None

    def attach(self, lib: api.Library, first: FirstListing | None = None) -> None:
        """The library is open: list it (the tag summary follows the first paint).

        ``first``: its listing of All with no query, made when it opened
        (``first_listing``), shown now unless the user chose another view
        meanwhile (the loading frame of a slow open takes keys).

        A large library's rows are moved out of the garbage collector's sight
        first (``gc.freeze``): a Row is a tuple subclass, which the collector
        never untracks, so every full collection walked all of them again. At
        500k rows that was 0.3-0.7 s of the first screen alone, and more on
        every later burst of allocations. What is frozen is never collected as
        a cycle; rows are acyclic and freed by reference counting, so a reload
        frees the old ones. Small libraries are not worth it (nor the test
        processes that open hundreds of them).
        """
        self._lib = lib
        if len(lib) >= FREEZE_ROWS:
            gc.freeze()
        self.refresh_bindings()
        if first is None or self.selection != Selection("all") or self.search_query or self.sticky:
            self.requery()
            return
        self._token += 1
        self._listing_ready(self.ListingReady(self._token, first[0], first[1], None))

    def attach_on_mount(self, lib: api.Library, first: FirstListing | None) -> None:
        """Before the screen is pushed: attach ``lib`` with ``first`` as it mounts, so its
        first paint has the listing (attached after the mount, the empty panes were
        painted once first)."""
        self._lib, self._first = lib, first

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Library actions are shown disabled until the library is open."""
        if action in LIBRARY_ACTIONS and self._lib is None:
            return None
        return True

    # -- layout ----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            yield Navigator(id="nav")
            with ListPane(id="middle"):
                yield SearchBar(
                    placeholder='filter: words "phrase" +tag -tag is:unread source:NAME @7-days-ago',
                    id="search",
                )
                yield Static(id="search-error")
                yield EpisodeList(id="episodes")
            yield Reader(id="reader")
        with Horizontal(id="refresh-row"):
            yield Static(id="refresh-label")
            yield ProgressBar(id="refresh-progress", show_eta=False)
        yield TargetLine(id="target-line")
        yield Footer(compact=True)

    def _empty_view_message(self, total: int) -> str:
        """What an empty list says: how to fill it, where there is a way."""
        if not total:
            return "The library is empty."
        if self.search_query:
            return "Nothing matches this search (escape clears it)."
        kind = self.selection.kind
        if kind == "bookmarks":
            return "No bookmarks yet: b bookmarks the entry you are on."
        if kind == "unread":
            return "Nothing unread: all caught up."
        return "Nothing matches this view."

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
        self.query_one("#refresh-row").display = False
        self._apply_width(self.app.size.width)
        # no entry open yet: the list gets the width the reader will take (main.tcss)
        self.add_class("idle")
        if self._lib is None:
            self.episodes.empty_message = LOADING
            self.query_one("#middle").border_title = "Episodes · loading…"
        else:
            first, self._first = self._first, None
            self.attach(self._lib, first)

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

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget = event.widget
        in_reader = widget is self.reader or self.reader in widget.ancestors
        self._set_reading(in_reader)

    def in_reader(self) -> bool:
        """True when the focus is in the reader pane."""
        focused = self.focused
        return focused is not None and (focused is self.reader or self.reader in focused.ancestors)

    # -- listing ---------------------------------------------------------------
    def requery(self, keep: str | None = None) -> None:
        """List the rows of the current selection and query (in a worker).

        The cursor stays on its entry, or goes to ``keep`` when given.
        """
        if self._lib is None:
            return  # attach() lists once the library is open
        self._token += 1
        if keep is None:
            keep = self.episodes.current.id if self.episodes.current else None
        sticky = frozenset(self.sticky)
        self._listing_worker(self._token, self.selection, self.search_query, sticky, keep)

    @work(thread=True, exclusive=True, group="listing", exit_on_error=False)
    def _listing_worker(
        self,
        token: int,
        selection: Selection,
        query: str,
        sticky: frozenset[str],
        keep: str | None,
    ) -> None:
        """Everything the paint needs, computed here: rows, list lines, counts.

        The list's lines (group headers included) are built here too, so the UI
        thread only swaps them in.
        """
        listing = api.list_view(self.lib, selection, query, sticky)
        lines = build_lines(listing.rows) if listing.rows is not None else None
        self.post_message(self.ListingReady(token, listing, lines, keep))

    @on(ListingReady)
    def _listing_ready(self, event: ListingReady) -> None:
        if event.token != self._token:
            return  # the user moved on; a newer listing is coming
        listing, lines = event.listing, event.lines
        self.marks = listing.marks
        err = self.query_one("#search-error", Static)
        # an error says what is wrong; else a hint what was ignored ("©")
        hint = "" if listing.error else " · ".join(api.query_hints(self.search_query))
        err.display = bool(listing.error or hint)
        err.set_class(bool(hint), "hint")
        err.update(Text(listing.error or hint))
        nav = listing.nav
        nav.tags = self._nav_tags
        nav.stories, nav.stories_total = self._nav_stories
        self.nav_data = nav
        self.navigator.show_data(nav, self.selection)
        if lines is not None:
            episodes = self.episodes
            episodes.empty_message = self._empty_view_message(nav.total)
            keep = event.keep or (self.reader.entry.id if self.reader.entry else None)
            episodes.set_lines(lines, self._marks_of, keep=keep)
            total = nav.total if listing.partial else None
            self.query_one("#middle").border_title = Text(self._episodes_title(lines, total))  # type: ignore[assignment]
        if listing.partial:
            # after the paint: loading the rows holds the GIL for most of a second
            self.call_after_refresh(self._load_rows)
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
            for then in self._after_listing:
                self.call_after_refresh(then)
            self._generation_seen = listing.generation
            self.tags_pending = True
            self.call_after_refresh(self._start_tags)
        elif listing.generation != self._generation_seen:
            self._generation_seen = listing.generation
            self.load_tags()

    def _start_tags(self) -> None:
        self.tags_pending = False
        self.load_tags()

    def after_first_listing(self, then: Callable[[], object]) -> None:
        """Run ``then`` once the first listing is on screen (now, if it is already).

        For start-up work that reads every row (the brief's check): begun
        before, it would load a large library's rows while the first screen
        waits on the same lock (``store.storage.firstpage``).
        """
        if self._listed_once:
            then()
        else:
            self._after_listing.append(then)

    @work(thread=True, exclusive=True, group="load-rows", exit_on_error=False)
    def _load_rows(self) -> None:
        """After a first-page listing: every row, then the listing again, with all of them."""
        api.complete(self.lib)
        gc.freeze()  # the rows just loaded, out of the collector's walks (see attach)
        self.app.call_from_thread(self.requery)

    def _episodes_title(self, lines: Lines, total: int | None = None) -> str:
        """'Episodes · Unread · 12': in Unread/Bookmarks, entries kept for you are counted apart.

        ``total``: the view's size when the lines are only its first page.
        """
        title = (
            f"Episodes · {self.selection.label()} · {lines.row_count if total is None else total}"
        )
        kept = 0
        if self.selection.kind in ("unread", "bookmarks") and self.sticky:
            for entry_id in self.episodes.listed(self.sticky):
                m = self.marks.get(entry_id, EMPTY_MARKS)
                kept += m.read if self.selection.kind == "unread" else not m.bookmarked
        if kept:
            title = (
                f"Episodes · {self.selection.label()} · {lines.row_count - kept}"
                f" (+{kept} {'read' if self.selection.kind == 'unread' else 'unbookmarked'})"
            )
        if self.search_query:
            title += " · /" + line(self.search_query)
        return title

    def _marks_of(self, entry_id: str) -> Marks:
        return self.marks.get(entry_id, EMPTY_MARKS)

    @work(thread=True, exclusive=True, group="tags", exit_on_error=False)
    def load_tags(self) -> None:
        """The navigator's tags and stories, off the UI thread; then the topic warm-up
        (bounded), after which the stories are shown again if it changed them."""
        stop = (worker := get_current_worker()).cancelled_event.is_set  # quitting cancels it
        try:
            tags, stories = api.nav_tags(self.lib, stop), api.nav_stories(self.lib)
        except Stopped:
            return
        self.post_message(self.TagsReady(tags, stories, worker))
        api.warm_topics(self.lib, stop=stop)
        if (again := api.nav_stories(self.lib)) != stories:
            self.post_message(self.TagsReady(tags, again, worker))

    @on(TagsReady)
    def _tags_ready(self, event: TagsReady) -> None:
        # replaced (cancelled, on this thread, as a newer started): older than what is shown
        if event.worker.is_cancelled:
            return
        self._nav_tags = event.tags
        self._nav_stories = event.stories
        self.nav_data.tags = event.tags
        self.nav_data.stories, self.nav_data.stories_total = event.stories
        self.navigator.show_data(self.nav_data, self.selection)

    # -- opening ---------------------------------------------------------------
    @on(EpisodeList.Chosen)
    def _chosen(self, event: EpisodeList.Chosen) -> None:
        self.open_entry(event.row.id, focus=True)

    def open_entry(self, entry_id: str, *, focus: bool, jump: bool = False) -> None:
        """Load an entry in a worker, show it, mark it read.

        Opened from the list (not by a jump or back), it starts a new trail:
        the back-stack is for the entries reached from the reader.
        """
        self.sticky.add(entry_id)
        if not jump:
            self.back_stack.clear()
            self._restore = None
        if focus:
            self.focus_pane(self.reader)
        self._open_worker(entry_id)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open_worker(self, entry_id: str) -> None:
        self.post_message(self.EntryOpened(api.open_entry(self.lib, entry_id)))

    @on(EntryOpened)
    async def _entry_opened(self, event: EntryOpened) -> None:
        opened = event.opened
        entry = opened.entry
        related = related_items(opened.related)
        story = None
        if opened.story is not None:
            jumps = tuple(
                Jump(e.id, e.title, e.show or e.source)
                for e in opened.story.entries
                if e.id != entry.id
            )
            story = StoryLine(opened.story.label, opened.story.sources, jumps)
        also = {pl.point: [Jump(a[0], a[1], a[2]) for a in pl.also] for pl in opened.point_links}
        shown = (entry, opened.marks, opened.tags, related, story, also)
        await self.reader.show_entry(*shown, opened.tags_pending, opened.unsigned)
        self.remove_class("idle")
        self.reader.border_title = Text("Reader · " + line(entry.show or entry.source.name))  # type: ignore[assignment]
        self.marks = {**self.marks, entry.id: opened.marks}  # the listing's are the library's
        self.episodes.refresh_marks(self._marks_of)
        place, self._restore = self._restore, None
        if place is not None and place.entry_id == entry.id:
            self.reader.restore(place)
        self.entry_shown(entry.id)
        self.requery()

    def entry_shown(self, entry_id: str) -> None:
        """An entry is on screen (``MainReading`` names it as the keys' target)."""

    def go_to(self, selection: Selection, keep: str | None = None) -> None:
        """Point the navigator at a source or tag (the palette; next-unread's next source)."""
        self.selection = selection
        self.sticky.clear()
        self.navigator.show_data(self.nav_data, selection)
        self.requery(keep)
        self.focus_pane(self.episodes)
