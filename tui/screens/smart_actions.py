"""The main screen's keys for saved searches and mute rules: ``S``, ``M`` and the palette's.

A mixin of ``MainScreen`` (``tui.screens.main``), kept apart so that file stays
about entries; its methods need only what ``_Screen`` says. Each change is one
``store.api`` call through the screen's ``_write`` (a worker), the same verb
the CLI's ``save`` / ``mute`` call, and one undo step (``u``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual.app import App

from store import api
from store.errors import DigestError
from store.views import NavData, Selection
from tui.dialogs.mute import MuteDialog
from tui.dialogs.name_search import NameSearchDialog
from tui.dialogs.pick import PickDialog
from tui.text import line


class _Screen(Protocol):
    """What these actions use of the main screen."""

    search_query: str
    selection: Selection
    nav_data: NavData

    @property
    def app(self) -> App[Any]: ...

    @property
    def lib(self) -> api.Library: ...

    def target_id(self) -> str | None: ...

    def _write(self, fn: Callable[[], Any], after: Callable[[Any], None] | None = None) -> None: ...

    def _title_of(self, entry_id: str) -> str: ...

    def load_tags(self) -> Any: ...


def _quoted(name: str) -> str:
    return '"' + " ".join(name.replace('"', " ").split()) + '"'


def view_query(screen: _Screen) -> str:
    """The current view as one query: the navigator's selection and the search typed.

    A story is a group, not a query: only the search typed is kept for it.
    """
    sel = screen.selection
    part = {
        "unread": "is:unread",
        "bookmarks": "is:bookmarked",
        "muted": "is:muted",
        "tag": f"+{sel.value}",
        "source": f"source:{_quoted(sel.value)}",
    }.get(sel.kind, "")
    if sel.kind == "saved":
        part = next((s.query for s in screen.nav_data.saved if s.name == sel.value), "")
    return " ".join(p for p in (part, screen.search_query.strip()) if p)


class SmartActions:
    """``S`` save this search, ``M`` mute; rename / delete a search and unmute from the palette."""

    def action_save_search(self: _Screen) -> None:
        query = view_query(self)
        if not query:
            story = self.selection.kind == "story"
            why = "a story is a group, not a search; " if story else ""
            self.app.notify(f"Nothing to save: {why}/ types a search.", timeout=3)
            return
        name = self.search_query.strip() or self.selection.label().lstrip("#★ ")

        def named(chosen: str | None) -> None:
            if not chosen:
                return

            def saved(found: Any) -> None:
                self.app.notify(
                    line(f"Saved ★ {found.name}: {found.query} — u to undo"),
                    timeout=3,
                    markup=False,
                )
                # the relist that follows this write highlights it (go_to would look
                # for it in the navigator before the new counts are in)
                self.selection = Selection("saved", found.name)

            self._write(lambda: api.save_search(self.lib, chosen, query), saved)

        self.app.push_screen(NameSearchDialog("Save this search as", query, name), named)

    def action_mute(self: _Screen) -> None:
        entry_id = self.target_id()
        if entry_id is None:
            self.app.notify("No entry here to mute from: the palette's Mute words… takes a rule.")
            return
        try:
            choices = api.mute_choices(self.lib, entry_id)
        except DigestError:
            choices = []

        def chosen(rule: str | None) -> None:
            if not rule:
                return

            def muted(found: Any) -> None:
                n = found.matches
                said = f"Muted {n} entr{'y' if n == 1 else 'ies'} ({found.query}) — u to undo"
                self.app.notify(line(said), timeout=4, markup=False)
                self.load_tags()

            self._write(lambda: api.mute(self.lib, rule), muted)

        self.app.push_screen(MuteDialog(self._title_of(entry_id), choices), chosen)

    def _pick_search(self: _Screen, title: str, then: Callable[[str], None]) -> None:
        listed = self.nav_data.saved
        if not listed:
            self.app.notify("No saved searches yet: S saves the current one.", timeout=3)
            return
        options = [(f"★ {s.name}  {s.query}", s.name, True) for s in listed]
        hint = "enter picks · escape cancels"

        def picked(name: str | None) -> None:
            if name:
                then(name)

        self.app.push_screen(PickDialog(title, options, hint), picked)

    def action_rename_search(self: _Screen) -> None:
        def rename(old: str) -> None:
            query = next((s.query for s in self.nav_data.saved if s.name == old), "")

            def named(new: str | None) -> None:
                if not new or new == old:
                    return

                def renamed(found: Any) -> None:
                    self.app.notify(line(f"Renamed to ★ {found.name}."), timeout=2, markup=False)
                    if self.selection == Selection("saved", old):
                        self.selection = Selection("saved", found.name)

                self._write(lambda: api.rename_search(self.lib, old, new), renamed)

            self.app.push_screen(NameSearchDialog(f"Rename ★ {old} to", query, old), named)

        SmartActions._pick_search(self, "Rename a saved search", rename)

    def action_delete_search(self: _Screen) -> None:
        def delete(name: str) -> None:
            def deleted(found: Any) -> None:
                self.app.notify(
                    line(f"Deleted ★ {found.name} — u to undo"), timeout=3, markup=False
                )
                if self.selection == Selection("saved", found.name):
                    self.selection = Selection("all")

            self._write(lambda: api.delete_search(self.lib, name), deleted)

        SmartActions._pick_search(self, "Delete a saved search (its entries stay)", delete)

    def action_unmute(self: _Screen) -> None:
        try:
            rules = api.mute_rules(self.lib)
        except DigestError:
            rules = []
        if not rules:
            self.app.notify("No mute rules: M on an entry mutes its show, source or a tag.")
            return
        options = [
            (
                f"{r.query}  ({r.matches} hidden)"
                if r.origin != "config"
                else f"{r.query}  (feeds.yaml: remove it there)",
                r.query,
                r.origin != "config",
            )
            for r in rules
        ]

        def picked(rule: str | None) -> None:
            if not rule:
                return

            def unmuted(found: Any) -> None:
                n = found.matches
                said = f"Unmuted {found.query}: {n} entr{'y' if n == 1 else 'ies'} back — u to undo"
                self.app.notify(line(said), timeout=3, markup=False)
                self.load_tags()

            self._write(lambda: api.unmute(self.lib, rule), unmuted)

        hint = "enter removes the rule: its entries come back · escape cancels"
        self.app.push_screen(PickDialog("Remove a mute rule", options, hint), picked)
