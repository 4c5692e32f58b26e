"""Command palette provider: every action by name, plus sources and tags.

Built as a Provider rather than ``App.get_system_commands`` because the
palette parses plain-string prompts as markup, and source names come from
feeds: here every prompt is a ``rich.text.Text`` (literal). Themes come from
Textual's own "Theme" system command.

The provider needs only what ``PaletteScreen`` says (what the navigator
shows, a way to go to a selection, a way to run an action), not the main
screen itself: so the screen can name this provider in ``COMMANDS`` without
an import circle.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Protocol, runtime_checkable

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.fuzzy import Matcher

from store.views import NavData, Selection
from tui.keys import ACTION_HELP, APP_BINDINGS, MAIN_BINDINGS, PALETTE_ACTIONS
from tui.text import line as safe_line

MATCH_STYLE = Style(bold=True, underline=True)


def _n(count: int, one: str, many: str) -> str:
    """ "1 entry", "2 entries": the palette's help lines are read, not parsed."""
    return f"{count} {one if count == 1 else many}"


@runtime_checkable
class PaletteScreen(Protocol):
    """What the palette needs from the screen it is opened on."""

    nav_data: NavData

    def go_to(self, selection: Selection) -> None: ...

    async def run_action(
        self, action: str, namespaces: Mapping[str, DOMNode] | None = None
    ) -> None: ...


class LibraryCommands(Provider):
    """Actions (with their keys), sources and tags of the open library."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        if not isinstance(screen, PaletteScreen):
            return []
        out: list[tuple[str, str, Callable[[], object]]] = []
        for binding in [*MAIN_BINDINGS, *APP_BINDINGS]:
            if binding.action in ("command_palette", "quit_or_back"):
                continue  # the palette itself, and Quit: Textual's own "Quit" command is listed
            key = binding.key_display or binding.key
            target = self.app if binding in APP_BINDINGS else screen
            out.append(
                (
                    f"{binding.description} ({key})",
                    ACTION_HELP.get(binding.action, ""),
                    partial(target.run_action, binding.action),
                )
            )
        for action, title, help_text in PALETTE_ACTIONS:
            out.append((title, help_text, partial(screen.run_action, action)))
        nav = screen.nav_data
        for s in nav.sources:
            out.append(
                (
                    "Source: " + safe_line(s.name),
                    f"{_n(s.total, 'entry', 'entries')}, {s.unread} unread",
                    partial(screen.go_to, Selection("source", s.name)),
                )
            )
        for t in nav.tags:
            out.append(
                (
                    "Tag: #" + safe_line(t.tag),
                    f"{_n(t.entries, 'entry', 'entries')} from {_n(t.sources, 'source', 'sources')}",
                    partial(screen.go_to, Selection("tag", t.tag)),
                )
            )
        for v in nav.saved:
            out.append(
                (
                    "Saved: ★ " + safe_line(v.name),
                    f"{safe_line(v.query)} · {v.unread}/{v.total} unread",
                    partial(screen.go_to, Selection("saved", v.name)),
                )
            )
        for st in nav.stories:
            out.append(
                (
                    "Story: " + safe_line(st.label),
                    f"{_n(st.entries, 'entry', 'entries')} from {_n(st.sources, 'source', 'sources')}",
                    partial(screen.go_to, Selection("story", st.id, st.label)),
                )
            )
        shows = [
            ("all", "All"),
            ("unread", "Unread"),
            ("bookmarks", "Bookmarks"),
            ("muted", "Muted"),
        ]
        for kind, label in shows:
            out.append((f"Show: {label}", "", partial(screen.go_to, Selection(kind))))
        return out

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            if title.startswith(("Source:", "Tag:", "Story:")):
                continue
            yield DiscoveryHit(Text(title), callback, text=title, help=help_text or None)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    self._highlight(matcher, title),
                    callback,
                    text=title,
                    help=help_text or None,
                )

    @staticmethod
    def _highlight(matcher: Matcher, title: str) -> Text:
        """Literal text with the matched letters emphasised (the palette's own highlighter parses markup)."""
        text = Text(title)
        _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
        for offset in offsets:
            text.stylize(MATCH_STYLE, offset, offset + 1)
        return text
