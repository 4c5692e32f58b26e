"""The main screen's refresh: `r` in a worker, progress per feed, one summary, the Feeds screen.

Why a layer of its own: the refresh is the one long job of the screen (a
thread worker posting a message per feed), and its state (``refreshing``, the
tally) is touched by nothing else. ``MainScreen`` builds on it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.message import Message
from textual.widgets import ProgressBar, Static

from store import api
from tui.screens.main_reading import MainReading
from tui.screens.refresh_status import RefreshTally, refresh_summary


class MainRefresh(MainReading):
    """The refresh keys and messages of the main screen."""

    class RefreshStarted(Message):
        """A refresh knows how many feeds it fetches."""

        def __init__(self, total: int) -> None:
            super().__init__()
            self.total = total

    class FeedRefreshed(Message):
        """One feed of a refresh is done (fetched, parsed and kept, or failed)."""

        def __init__(self, result: api.FeedResult) -> None:
            super().__init__()
            self.result = result

    class RefreshDone(Message):
        """The refresh's entries are stored and listable; their derivation follows."""

        def __init__(self, report: api.RefreshReport) -> None:
            super().__init__()
            self.report = report

    class Deriving(Message):
        """Derivation progress: ``done`` of ``total`` entries tagged and indexed."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Derived(Message):
        """Every entry is derived: tags and search are final."""

    def __init__(self, lib: api.Library | None, *, config_override: str | None = None) -> None:
        super().__init__(lib, config_override=config_override)
        self.refreshing = False
        self._tally = RefreshTally()

    # -- refresh ---------------------------------------------------------------
    def action_refresh(self) -> None:
        if self.refreshing:
            self.app.notify("A refresh is already running.", timeout=2)
            return
        self.refreshing = True
        self._tally = RefreshTally()
        bar = self.query_one("#refresh-progress", ProgressBar)
        bar.update(total=None, progress=0)
        self._show_tally()
        self.query_one("#refresh-row").display = True
        self._refresh_worker()

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def _refresh_worker(self) -> None:
        config = api.config_in_force(self.config_override)
        self.post_message(self.RefreshStarted(api.feeds_to_refresh(self.lib, config, None)))

        def progress(result: api.FeedResult) -> None:
            self.post_message(self.FeedRefreshed(result))

        def deriving(done: int, total: int) -> None:
            self.post_message(self.Deriving(done, total))

        # readable first: list the new entries at once, then tag and index them here
        api.derive_pending(self.lib, config, deriving)  # an earlier run's leftovers
        report = api.refresh(self.lib, config, progress=progress, wait=False)
        self.post_message(self.RefreshDone(report))
        api.derive_pending(self.lib, config, deriving)
        self.post_message(self.Derived())

    @on(RefreshStarted)
    def _refresh_started(self, event: RefreshStarted) -> None:
        bar = self.query_one("#refresh-progress", ProgressBar)
        bar.update(total=max(1, event.total), progress=self._tally.done)
        self._tally.total = event.total
        self._show_tally()
        if event.total == 0:
            self.app.notify(
                "No feeds configured: add some under `feeds:` in feeds.yaml.", timeout=4
            )

    @on(FeedRefreshed)
    def _feed_refreshed(self, event: FeedRefreshed) -> None:
        self.query_one("#refresh-progress", ProgressBar).advance(1)
        self._tally.add(event.result)
        self._show_tally()

    def _show_tally(self) -> None:
        self.query_one("#refresh-label", Static).update(Text(self._tally.progress_line()))

    @on(RefreshDone)
    def _refresh_done(self, event: RefreshDone) -> None:
        """One notification for the whole run; failures are listed on the Feeds screen."""
        summary, failed = refresh_summary(event.report)
        self.app.notify(
            summary,
            title="Refresh" if not failed else "Refresh: some feeds failed",
            severity="warning" if failed else "information",
            timeout=8 if failed else 4,
            markup=False,
        )
        self.requery()  # the new entries, before their tags

    @on(Deriving)
    def _deriving(self, event: Deriving) -> None:
        bar = self.query_one("#refresh-progress", ProgressBar)
        bar.update(total=max(1, event.total), progress=event.done)
        label = f"indexing {event.done:,}/{event.total:,}"
        self.query_one("#refresh-label", Static).update(Text(label))

    @on(Derived)
    def _derived(self, _event: Derived) -> None:
        self._refresh_over()

    def _refresh_over(self) -> None:
        self.refreshing = False
        self.query_one("#refresh-row").display = False
        self.requery()
        self.load_tags()

    def action_feeds(self) -> None:
        if self._lib is None:
            return
        from tui.screens.feeds import FeedsScreen  # only when asked for

        if not isinstance(self.app.screen, FeedsScreen):
            self.app.push_screen(FeedsScreen(self._lib, self.config_override))
