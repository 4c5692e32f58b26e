"""The help screen: every key, from the same tables the app binds."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.keys import ACTION_HELP, APP_BINDINGS, BRIEF_BINDINGS, MAIN_BINDINGS
from tui.widgets.episode_list import EpisodeList
from tui.widgets.navigator import Navigator
from tui.widgets.reader import Reader

FILTER_HELP = (
    'words and "phrases" match text · +tag / -tag require / exclude a tag · '
    "is:bookmarked, is:unread, is:muted · source:NAME, show:NAME · @7-days-ago, "
    "@2025-02-01..2025-03-01 · a word of 3+ letters (and the one being typed) is a prefix"
)


SECTION_KEYS = "reader-section-"


def _key_label(b: Binding) -> str:
    if b.key_display:
        return b.key_display
    return " / ".join(k.strip() for k in b.key.split(","))


def bindings_table() -> Table:
    """All bindings grouped by where they apply, as literal text."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True, style="bold")
    table.add_column()
    from tui.screens.kept import KeptScreen  # its keys; the screen opens on K

    groups: list[tuple[str, list[BindingType]]] = [
        ("Everywhere", [*APP_BINDINGS, *MAIN_BINDINGS]),
        ("Episodes list", list(EpisodeList.BINDINGS)),
        ("Navigator", [*Navigator.BINDINGS, Binding("enter", "select", "Show this selection")]),
        ("Reader", list(Reader.BINDINGS)),
        ("Brief (B)", list(BRIEF_BINDINGS)),
        ("Kept points (K)", [*KeptScreen.BINDINGS, Binding("enter", "open", "Open the entry")]),
    ]
    for title, bindings in groups:
        own = title.startswith("Kept")  # its actions share names with the brief's
        table.add_row(Text(title, style="underline"), Text(""))
        for b in bindings:
            if not isinstance(b, Binding) or b.action.startswith(("screen.", "app.")):
                continue  # a pane's copy of a key listed under Everywhere (for its footer)
            if (b.id or "").startswith(SECTION_KEYS):
                # ten keys, one line
                if b.id == SECTION_KEYS + "1":
                    table.add_row(Text("1 … 9, 0"), Text("Open / close detail section 1 … 10"))
                continue
            help_text = b.description if own else ACTION_HELP.get(b.action) or b.description
            table.add_row(Text(_key_label(b)), Text(help_text))
        table.add_row(Text(""), Text(""))
    table.add_row(Text("Search (/)", style="underline"), Text(FILTER_HELP))
    return table


class HelpScreen(ModalScreen[None]):
    """Modal list of keys; escape, q or ? closes it."""

    CSS_PATH = "help.tcss"
    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", id="help-close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help-down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help-up"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "escape closes"
            yield Static(bindings_table())

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, step: int) -> None:
        body = self.query_one("#help-body", VerticalScroll)
        body.scroll_relative(y=step, animate=False)
