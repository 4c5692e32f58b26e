"""The Kept screen: every kept point, grouped by story or tag, with its source and date.

The same points, in the same groups and order, as ``digest-tui kept`` (both
call ``store.api.kept_points`` and ``kept_groups``). ``enter`` closes the
screen with the point's entry id, and the main screen opens that entry as it
opens a related one; ``d`` lets a point go. Reading and writing run in thread
workers, so a large library never blocks a frame.
"""

from __future__ import annotations

from rich.console import Group as RichGroup
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from store import api
from store.views import ORPHANED_NOTE
from tui.text import line
from tui.workers import report_worker_error

HINT = "enter opens · d lets go · escape closes"


def point_prompt(p: api.KeptPoint) -> RichGroup:
    """Literal text: the point and the user's note (wrapped), then one line of where from.

    The where-from line is cut to fit (titles are long); what the user wrote never is.
    """
    parts = [Text(line(p.text))]
    if p.note:
        parts.append(Text.assemble("  note: ", (line(p.note), "italic")))
    meta = Text("  ", style="dim", no_wrap=True, overflow="ellipsis")
    if p.orphaned:
        meta.append(ORPHANED_NOTE + " · ", style="bold")
    meta.append(" · ".join(x for x in (line(p.source), p.date, line(p.title)) if x))
    parts.append(meta)
    return RichGroup(*parts)


def kept_options(points: list[api.KeptPoint]) -> list[Option | None]:
    """A heading per group (not selectable), then its points (ids: their index in ``points``)."""
    options: list[Option | None] = []
    for group, members in api.kept_groups(points):
        if options:
            options.append(None)  # a rule between groups
        heading = Text(line(group) or "Other", style="bold")
        heading.append(f"  {len(members)}", style="dim")
        options.append(Option(heading, disabled=True))
        for p in members:
            options.append(Option(point_prompt(p), id=str(points.index(p))))
    return options


class KeptScreen(ModalScreen[str | None]):
    """Modal list of kept points; dismisses with the entry id to open, or None."""

    CSS_PATH = "kept.tcss"
    BINDINGS = [
        Binding("escape,q,K", "close", "Close", id="kept-close"),
        Binding("d,delete", "unkeep", "Let go", id="kept-unkeep"),
    ]

    class Loaded(Message):
        """The kept points were read."""

        def __init__(self, points: list[api.KeptPoint]) -> None:
            super().__init__()
            self.points = points

    def __init__(self, lib: api.Library) -> None:
        super().__init__()
        self.lib = lib
        self.points: list[api.KeptPoint] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="kept-body") as body:
            body.border_title = "Kept points"
            body.border_subtitle = HINT
            yield Static(Text("Reading kept points…", style="dim"), id="kept-summary")
            yield OptionList(id="kept-list")

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="kept", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(api.kept_points(self.lib)))

    @on(Loaded)
    def _loaded(self, event: Loaded) -> None:
        ol = self.query_one(OptionList)
        was = ol.highlighted
        self.points = event.points
        ol.set_options(kept_options(self.points))
        n = len(self.points)
        groups = len(api.kept_groups(self.points))
        if n == 0:
            summary = (
                "Nothing kept yet: h on a key point or a detail bullet in the reader keeps it."
            )
        else:
            summary = f"{n} kept point{'s' if n != 1 else ''} in {groups} group{'s' if groups != 1 else ''}"
        self.query_one("#kept-summary", Static).update(Text(summary))
        if n:
            self._highlight_near(was or 0)
            ol.focus()

    def _highlight_near(self, index: int) -> None:
        """The first point at or after ``index`` (else the last one): headings are skipped."""
        ol = self.query_one(OptionList)
        count = ol.option_count
        start = min(index, count - 1)
        order = [*range(start, count), *range(start - 1, -1, -1)]
        for i in order:
            if not ol.get_option_at_index(i).disabled:
                ol.highlighted = i
                return

    def current_point(self) -> api.KeptPoint | None:
        ol = self.query_one(OptionList)
        if ol.highlighted is None:
            return None
        oid = ol.get_option_at_index(ol.highlighted).id
        return self.points[int(oid)] if oid is not None else None

    @on(OptionList.OptionSelected, "#kept-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is None:
            return
        p = self.points[int(event.option.id)]
        if not p.title:  # its entry is not in the library (a restored older index)
            self.notify("That entry is no longer in the library.", severity="warning")
            return
        self.dismiss(p.entry)

    def action_unkeep(self) -> None:
        p = self.current_point()
        if p is not None:
            self._unkeep(p.entry, p.text)

    @work(thread=True, group="kept-write", exit_on_error=False)
    def _unkeep(self, entry_id: str, text: str) -> None:
        api.unkeep_point(self.lib, entry_id, text)
        self.post_message(self.Loaded(api.kept_points(self.lib)))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A damaged kept.json or a busy library: a notification, not a traceback."""
        report_worker_error(self.app, event)

    def action_close(self) -> None:
        self.dismiss(None)
