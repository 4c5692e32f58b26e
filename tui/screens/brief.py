"""The brief screen: what arrived since the last visit, grouped by story or shared tag.

The same brief as ``digest-tui brief`` (both call ``store.api.brief``). One
list: each group's header (label, "3 shows · 5 entries", its sources), its
key points one line each with their source, then the singletons. ``enter``
opens the entry under the cursor in the main screen's reader (a group opens
its first entry), ``m`` marks the group read and ``x`` hides it (each one undo
step, ``u`` takes it back), ``escape`` goes to the main screen.

The visit ends when the UI quits (``DigestApp``): until then ``B`` shows the
same window again, with whatever a refresh brought in meanwhile. Every text here comes from
outside, so every prompt is a ``rich.text.Text`` (never markup).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from store import api
from tui.keys import BRIEF_BINDINGS
from tui.text import line
from tui.workers import report_worker_error

if TYPE_CHECKING:
    from store.api import Brief, BriefGroup

LOADING = "Gathering what is new…"
BORDERS = 6  # the list's border, padding and scrollbar


def _entries(n: int) -> str:
    return f"{n} entr{'y' if n == 1 else 'ies'}"


def header_line(brief: Brief) -> Text:
    """ "What is new since … · 17 entries · 5 groups · 2 hidden"."""
    parts = [f"What is new {api.since_line(brief)}", _entries(len(brief.new_ids))]
    parts.append(f"{len(brief.groups)} group{'s' if len(brief.groups) != 1 else ''}")
    if brief.hidden:
        parts.append(f"{brief.hidden} hidden")
    return Text(" · ".join(parts), style="bold")


def _fit(text: Text, width: int) -> Text:
    """One screen line: cut with an ellipsis (the list would wrap it otherwise)."""
    text.truncate(width, overflow="ellipsis")
    return text


def _group_prompt(g: BriefGroup, width: int) -> Text:
    head = Text()
    done = not g.unread
    head.append(line(g.label), style="dim bold" if done else "bold")
    head.append("  " + g.counts, style="dim")
    if done:
        head.append(" · read", style="dim")
    voices = Text("  " + line(", ".join(g.sources)), style="italic dim" if done else "italic")
    return Text("\n").join([_fit(head, width), _fit(voices, width)])


def _with_source(body: str, tail: str, style: str, width: int) -> Text:
    """``body`` cut so that ``tail`` (who says it) stays on the line."""
    room = max(width // 2, width - len(tail))
    out = _fit(Text(body, style=style), room)
    out.append(tail, style="dim")
    return _fit(out, width)


def _point_prompt(text: str, source: str, done: bool, width: int) -> Text:
    return _with_source("    • " + line(text), " — " + line(source), "dim" if done else "", width)


class BriefScreen(Screen[str | None]):
    """The brief; built in a worker, rebuilt after each write."""

    CSS_PATH = "brief.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [*BRIEF_BINDINGS]
    AUTO_FOCUS = "#brief-list"

    class Built(Message):
        """A brief was built (in a worker)."""

        def __init__(self, brief: Brief, note: str | None) -> None:
            super().__init__()
            self.brief = brief
            self.note = note

    def __init__(self, lib: api.Library, brief: Brief | None = None) -> None:
        super().__init__()
        self.lib = lib
        self.brief = brief
        # option index -> (group index or None, entry id or None)
        self._items: list[tuple[int | None, str | None]] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(LOADING, style="dim"), id="brief-header")
        yield OptionList(id="brief-list", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.options.border_title = "Brief"
        self.options.border_subtitle = "enter opens · m marks read · x hides · u undoes"
        if self.brief is None:
            self._build(None)
        else:
            self._show(self.brief)

    def on_resize(self, _event: Resize) -> None:
        if self.brief is not None:
            self._show(self.brief)

    @property
    def options(self) -> OptionList:
        return self.query_one("#brief-list", OptionList)

    # -- building ----------------------------------------------------------------
    @work(thread=True, exclusive=True, group="brief", exit_on_error=False)
    def _build(self, note: str | None) -> None:
        self.post_message(self.Built(api.brief(self.lib, complete=False), note))

    @on(Built)
    def _built(self, event: Built) -> None:
        self._show(event.brief)
        if event.note:
            self.app.notify(event.note, timeout=4, markup=False)

    def _show(self, brief: Brief) -> None:
        self.brief = brief
        self.query_one("#brief-header", Static).update(header_line(brief))
        options = self.options
        keep = options.highlighted
        width = max(20, self.app.size.width - BORDERS)
        options.clear_options()
        items: list[tuple[int | None, str | None]] = []
        prompts: list[Option | None] = []
        for gi, g in enumerate(brief.groups):
            if prompts:
                prompts.append(None)
            done = not g.unread
            prompts.append(Option(_group_prompt(g, width)))
            items.append((gi, g.entries[0].id))
            for p in g.points:
                prompts.append(Option(_point_prompt(p.text, p.source, done, width)))
                items.append((gi, p.entry))
        if brief.singletons:
            if prompts:
                prompts.append(None)
            prompts.append(Option(Text("Also new", style="bold underline"), disabled=True))
            items.append((None, None))
            for e in brief.singletons:
                tail = " — " + line(e.source) + "  " + e.date[:10]
                title = "  " + line(e.title)
                prompts.append(Option(_with_source(title, tail, "dim" if e.read else "", width)))
                items.append((None, e.id))
        if brief.empty:
            prompts.append(
                Option(Text("Nothing new since the last visit.", style="dim"), disabled=True)
            )
            items.append((None, None))
        self._items = items
        options.add_options(prompts)
        if items:
            options.highlighted = min(keep or 0, len(items) - 1)
            if options.highlighted_option is not None and options.highlighted_option.disabled:
                options.action_cursor_down()

    # -- what the cursor is on ---------------------------------------------------
    def _current(self) -> tuple[BriefGroup | None, str | None]:
        i = self.options.highlighted
        if self.brief is None or i is None or i >= len(self._items):
            return None, None
        gi, eid = self._items[i]
        return (self.brief.groups[gi] if gi is not None else None), eid

    # -- keys --------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        if step > 0:
            self.options.action_cursor_down()
        else:
            self.options.action_cursor_up()

    @on(OptionList.OptionSelected, "#brief-list")
    def _selected(self, _event: OptionList.OptionSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        _group, eid = self._current()
        if eid is None:
            return
        self._leave(eid)

    def action_close(self) -> None:
        self._leave(None)

    def _leave(self, entry_id: str | None) -> None:
        """Back to the main screen; the screen's result is the entry to open there."""
        self.dismiss(entry_id)

    def action_mark_group_read(self) -> None:
        group, _eid = self._current()
        if group is None:
            return
        if not group.unread:
            self.app.notify("This group is read already.", timeout=2)
            return
        n = group.unread
        self._write(lambda: api.mark_group_read(self.lib, group), f"{_entries(n)} marked read")

    def action_hide_group(self) -> None:
        group, _eid = self._current()
        if group is None:
            return
        label = line(group.label)
        self._write(lambda: api.hide_group(self.lib, group), f"Hidden: {label}")

    def action_undo(self) -> None:
        def undo() -> str:
            result = api.undo(self.lib)
            if result is None:
                return "Nothing to undo."
            label, n = result
            return f"Undone: {label}" + (f" ({_entries(n)})." if n else ".")

        self._run(undo)

    def _write(self, change: Callable[[], object], said: str) -> None:
        def job() -> str:
            change()
            return f"{said} — u to undo"

        self._run(job)

    def _run(self, job: Callable[[], str]) -> None:
        """A write in a worker, then the brief again, with what to say about it."""

        def work() -> None:
            note = job()
            self.post_message(self.Built(api.brief(self.lib, complete=False), line(note)))

        # never exclusive: a second key must not cancel the first one's write
        self.run_worker(work, thread=True, group="brief-writes", exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_error(self.app, event)
