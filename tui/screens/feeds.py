"""The Feeds screen: every configured feed, its last fetch, last success, entries and error.

The same rows as ``digest-tui feeds`` (both call ``store.api.feed_statuses``), so
after a refresh with failures the user can see which feed failed and why without
leaving the UI; the refresh summary notification points here instead of
stacking one toast per failing feed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from store import api
from tui.text import line

COLUMNS = ("Feed", "Status", "Entries", "Last fetch", "Last success", "Error")


def _when(stamp: str | None) -> str:
    """An ISO time as "YYYY-MM-DD HH:MM" (UTC, as stored), or "never"."""
    return (stamp or "never")[:16].replace("T", " ")


def _status(s: api.FeedStatus) -> Text:
    if s.last_error:
        return Text.assemble(("error", "bold red"))
    if s.last_fetch is None:
        return Text.assemble(("not fetched", "dim"))
    return Text.assemble((s.status or "ok", "green"))


def feed_rows(statuses: list[api.FeedStatus]) -> list[tuple[Text, ...]]:
    """One row a feed; every field is literal text (feed names come from outside)."""
    return [
        (
            Text(line(s.name)),
            _status(s),
            Text(str(s.entry_count), justify="right"),
            Text(_when(s.last_fetch)),
            Text(_when(s.last_success)),
            Text.assemble((line(s.last_error or ""), "red")),
        )
        for s in statuses
    ]


class FeedsScreen(ModalScreen[None]):
    """Modal table of feeds; read in a worker, so a big library does not block a frame."""

    CSS_PATH = "feeds.tcss"
    BINDINGS = [
        Binding("escape,q,F", "close", "Close", id="feeds-close"),
    ]

    class Loaded(Message):
        """The feed statuses were read."""

        def __init__(self, statuses: list[api.FeedStatus], where: str) -> None:
            super().__init__()
            self.statuses = statuses
            self.where = where

    def __init__(self, lib: api.Library, config_override: str | None = None) -> None:
        super().__init__()
        self.lib = lib
        self.config_override = config_override

    def compose(self) -> ComposeResult:
        with Vertical(id="feeds-body") as body:
            body.border_title = "Feeds"
            body.border_subtitle = "escape closes"
            yield Static(id="feeds-summary")
            yield DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*COLUMNS)
        self.query_one("#feeds-summary", Static).update(Text("Reading feeds…", style="dim"))
        self._load()

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def _load(self) -> None:
        path = api.config_path(self.config_override)
        config = api.config_in_force(self.config_override)
        self.post_message(self.Loaded(api.feed_statuses(self.lib, config), str(path)))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for row in feed_rows(event.statuses):
            table.add_row(*row)
        failed = sum(1 for s in event.statuses if s.last_error)
        n = len(event.statuses)
        if n == 0:
            summary = f"No feeds in {line(event.where)}: add some under `feeds:`."
        else:
            summary = (
                f"{n} feed{'s' if n != 1 else ''}, {failed} with an error · {line(event.where)}"
            )
        self.query_one("#feeds-summary", Static).update(Text(summary))
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)
