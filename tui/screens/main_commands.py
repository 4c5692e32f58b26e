"""Command palette provider: every action by name, plus sources and tags.

Built as a Provider rather than ``App.get_system_commands`` because the
palette parses plain-string prompts as markup, and source names come from
feeds: here every prompt is a ``rich.text.Text`` (literal). Themes come from
Textual's own "Theme" system command.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.keys import ACTION_HELP, APP_BINDINGS, MAIN_BINDINGS
from tui.widgets.display import line as safe_line
from tui.widgets.navigator import Selection

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

MATCH_STYLE = Style(bold=True, underline=True)


class LibraryCommands(Provider):
    """Actions (with their keys), sources and tags of the open library."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        screen: MainScreen = self.screen  # type: ignore[assignment]
        out: list[tuple[str, str, Callable[[], object]]] = []
        for binding in [*MAIN_BINDINGS, *APP_BINDINGS]:
            if binding.action == "command_palette":
                continue
            key = binding.key_display or binding.key
            target = self.app if binding in APP_BINDINGS else screen
            out.append(
                (
                    f"{binding.description} ({key})",
                    ACTION_HELP.get(binding.action, ""),
                    partial(target.run_action, binding.action),
                )
            )
        nav = getattr(screen, "_nav_data", None)
        if nav is not None:
            for s in nav.sources:
                out.append(
                    (
                        "Source: " + safe_line(s.name),
                        f"{s.total} entries, {s.unread} unread",
                        partial(screen.go_to, Selection("source", s.name)),
                    )
                )
            for t in nav.tags:
                out.append(
                    (
                        "Tag: #" + safe_line(t.tag),
                        f"{t.entries} entries from {t.sources} sources",
                        partial(screen.go_to, Selection("tag", t.tag)),
                    )
                )
        for kind, label in (("all", "All"), ("unread", "Unread"), ("bookmarks", "Bookmarks")):
            out.append((f"Show: {label}", "", partial(screen.go_to, Selection(kind))))
        return out

    async def discover(self) -> Hits:
        for title, help_text, callback in self._commands():
            if title.startswith(("Source:", "Tag:")):
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
    def _highlight(matcher: object, title: str) -> Text:
        """Literal text with the matched letters emphasised (the palette's own highlighter parses markup)."""
        text = Text(title)
        fuzzy = getattr(matcher, "fuzzy_search", None)
        query = getattr(matcher, "query", "")
        if fuzzy is not None:
            _score, offsets = fuzzy.match(query, title)
            for offset in offsets:
                text.stylize(MATCH_STYLE, offset, offset + 1)
        return text
