"""Every hostile file and real feed, through every path: nothing lost, nothing injected.

Paths: ``ingest`` (in-process per file, and the real CLI on whole folders),
``refresh`` from a local HTTP server, ``list``/``show``/``export`` on the CLI,
and the UI (Pilot). Checks: no exception escapes, each step bounded in time,
no stored field holds a control character, nothing written to the terminal
holds an escape sequence, no entity is expanded, nothing a document names is
fetched, and entries and marks stored before are all still there.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from store.models import entry_to_json
from store.storage.library import Library
from tests.support.cli import run_cli_in_process
from tests.support.hostile import HostileLibrary
from tests.support.reliability import (
    CORPUS,
    FIELD_UNSAFE,
    TERMINAL_UNSAFE,
    run_cli,
)

if TYPE_CHECKING:
    from tui.screens.main import MainScreen

HOSTILE = sorted(p for p in (CORPUS / "hostile").iterdir() if p.is_file())
FEEDS = sorted(
    p for p in (CORPUS / "feeds").rglob("*") if p.is_file() and not p.name.endswith(".md")
)
ALL = HOSTILE + FEEDS
# What an expanded entity or a resolved XXE would put in a field.
EXPANDED = ("root:x:0:0:", "lollollollollollollollollol")


def _strings(x: Any) -> Iterator[str]:
    if isinstance(x, str):
        yield x
    elif isinstance(x, dict):
        for k, v in x.items():
            yield str(k)
            yield from _strings(v)
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _strings(v)


def check_stored(lib: Library) -> int:
    """No control character, no expanded entity, no absurd size in any stored field."""
    rows = lib.rows()
    for e in lib.get_many([r.id for r in rows]):
        for s in _strings(entry_to_json(e, lib.marks(e.id))):
            bad = FIELD_UNSAFE.search(s)
            assert bad is None, f"{e.id}: control {bad.group()!r} stored in {s[:80]!r}"
            if "hostile" in e.source.location:
                assert not any(x in s for x in EXPANDED), f"{e.id}: entity expanded: {s[:80]!r}"
            assert len(s) < 2_000_000, f"{e.id}: field of {len(s)} chars"
    return len(rows)


@pytest.fixture()
def seeded(seeded_library: HostileLibrary, tmp_path: Path) -> tuple[Path, list[str]]:
    """A copy of the session's library of real digests and marks: what must never be lost."""
    return seeded_library.copy(tmp_path / "lib"), seeded_library.ids


def _still_there(d: Path, ids: list[str]) -> Library:
    lib = Library.open(d)
    assert set(ids) <= {r.id for r in lib.rows()}, "stored entries lost"
    assert all(lib.marks(i).bookmarked for i in ids[:4]), "bookmarks lost"
    assert lib.marks(ids[4]).user_tags == ("precious",), "tags lost"
    return lib


@pytest.fixture()
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record (and refuse) every outgoing connection made in this process."""
    attempts: list[Any] = []
    real = socket.socket.connect

    def connect(self: socket.socket, addr: Any) -> Any:
        if isinstance(addr, tuple) and addr[0] in ("127.0.0.1", "::1", "localhost"):
            return real(self, addr)
        attempts.append(addr)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    real_gai = socket.getaddrinfo

    def getaddrinfo(host: Any, *a: Any, **k: Any) -> Any:
        if host in ("127.0.0.1", "::1", "localhost", b"127.0.0.1"):
            return real_gai(host, *a, **k)
        attempts.append(host)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


@pytest.mark.timeout(240)
def test_every_file_through_ingest_in_process(
    seeded: tuple[Path, list[str]], no_network: list[Any]
) -> None:
    """Each file alone: no exception escapes ingest; stored fields are clean."""
    from store.sync.ingest import ingest_paths

    d, ids = seeded
    lib = Library.open(d)
    for f in ALL:
        try:
            ingest_paths(lib, [str(f)])
        except Exception as exc:  # noqa: BLE001 - the point of the test
            pytest.fail(f"{f.name}: {type(exc).__name__}: {exc}")
    assert not no_network, f"a document made us connect: {no_network}"
    _still_there(d, ids)
    assert check_stored(Library.open(d)) > len(ids)


@pytest.mark.xdist_group("hostile-library")
@pytest.mark.timeout(300)
def test_cli_ingest_list_show_export_never_write_an_escape(
    hostile_library: HostileLibrary, tmp_path: Path
) -> None:
    """The real CLI on the corpus: one-line skips, and terminal output free of controls."""
    d = hostile_library.copy(tmp_path / "lib")
    ids = hostile_library.ids
    outputs = list(hostile_library.outputs)
    lib = _still_there(d, ids)
    check_stored(lib)
    for args in (["list"], ["list", "--json"], ["export", "--format", "md"], ["export"]):
        proc = run_cli(d, *args, timeout=120)
        assert proc.returncode == 0, (args, proc.stderr[-2000:])
        outputs.append((" ".join(args), proc.stdout + proc.stderr))
    json.loads(proc.stdout)  # the last: plain `export` is JSON
    # one `show` in a real child, the others in-process (the same main, half a second less each)
    for n, r in enumerate(_one_per_file(lib, per_file=1)):
        shown = run_cli(d, "show", r, timeout=60) if n == 0 else run_cli_in_process(d, "show", r)
        assert shown.returncode == 0, shown.stderr
        outputs.append((f"show {r}", shown.stdout + shown.stderr))
    for what, text in outputs:
        bad = TERMINAL_UNSAFE.search(text)
        assert bad is None, (
            f"`{what}` wrote {bad.group()!r} near {text[max(0, bad.start() - 40) : bad.end() + 40]!r}"
        )


def _one_per_file(lib: Library, per_file: int) -> list[str]:
    """Up to ``per_file`` entry ids of every hostile file (the first ones listed)."""
    taken: dict[str, int] = {}
    out: list[str] = []
    for e in lib.get_many([r.id for r in lib.rows()]):
        where = e.source.location
        if "/hostile/" not in where or taken.get(where, 0) >= per_file:
            continue
        taken[where] = taken.get(where, 0) + 1
        out.append(e.id)
    assert len(taken) >= 40, f"only {len(taken)} hostile files have entries"
    return out


@pytest.mark.timeout(240)
def test_every_file_through_refresh_from_a_local_server(
    seeded: tuple[Path, list[str]], no_network: list[Any]
) -> None:
    """Each file served over HTTP and refreshed: errors are results, nothing lost."""
    from store.config import Config, FeedConfig, RefreshSettings
    from store.sync.feeds import refresh
    from tests.support.feedserver import FeedServer

    d, ids = seeded
    lib = Library.open(d)
    routes = {
        f"/{i}/{f.name}": (200, {"Content-Type": "application/xml"}, f.read_bytes())
        for i, f in enumerate(ALL)
    }
    with FeedServer(routes) as srv:
        cfg = Config(
            feeds=tuple(FeedConfig(srv.url(p)) for p in routes),
            refresh=RefreshSettings(timeout=20, concurrency=4, max_bytes=2_000_000),
        )
        report = refresh(lib, cfg)
        assert any(not r.ok for r in report.results), "no hostile file was an error"
        # the same again: a truncated / empty answer must not cost or change stored rows
        before = {r.id: r for r in Library.open(d).rows()}
        for i, p in enumerate(routes):
            srv.routes[p] = (
                200,
                {"Content-Type": "application/xml"},
                b"<rss><channel><item>"[: i % 3 * 9],
            )
        refresh(lib, cfg)
        after = {r.id: r for r in Library.open(d).rows()}
        assert set(before) <= set(after), "a truncated or empty answer lost entries"
        assert all(after[eid] == row for eid, row in before.items()), "stored rows changed"
        fetched = {r.path for r in srv.requests}
    assert fetched <= set(routes), f"fetched something a document named: {fetched - set(routes)}"
    assert not no_network, f"a document made us connect: {no_network}"
    assert report is not None
    _still_there(d, ids)
    check_stored(Library.open(d))


@pytest.mark.xdist_group("hostile-library")
@pytest.mark.timeout(600)
def test_ui_renders_every_hostile_entry_without_escapes_or_markup(
    hostile_library: HostileLibrary, tmp_path: Path
) -> None:
    """Pilot: the entries of every hostile file are opened in the reader by keys.

    Checks on each: nothing on screen holds a control or an escape, and the
    title shows literally (a title holding "[bold]" keeps its brackets: text
    from outside is never parsed as markup).

    One app run opens all of them, from the Bookmarks view: they are
    bookmarked first, so that view lists them (and the four bookmarked
    digests) one after the other; ``enter`` opens the first and ``n`` each
    next one, the focus staying in the reader. Going back to the list of all
    2800 entries for each, as a user could, repainted the whole screen twice
    per entry (the focus moving, the footer's keys) and relisted 2800 rows:
    about a second of CPU each. The terminal is the narrowest that keeps the
    three panes side by side (``NARROW_WIDTH``) and 24 rows high. The checks
    do not depend on the view or the size: the reader's text is read whole
    from its widgets, the screenshot is of whatever is on screen.
    """
    from store.views import Selection
    from tests.support.ui import main, reader_text, settle, wait_for
    from tui.app import DigestApp
    from tui.screens.main_view import NARROW_WIDTH

    d = hostile_library.copy(tmp_path / "lib")
    lib = Library.open(d)
    wanted = _one_per_file(lib, per_file=1)
    lib.set_bookmarked(wanted)
    seen: list[str] = []
    problems: list[str] = []

    async def run() -> None:
        app = DigestApp(d, first_run=False)
        async with app.run_test(size=(NARROW_WIDTH, 24)) as pilot:
            await settle(pilot)
            screen = main(app)
            assert not screen.has_class("narrow"), "the panes are not side by side"
            screen.go_to(Selection("bookmarks"))
            await settle(pilot)
            order = [r.id for r in screen.episodes.rows_in_order]
            assert set(wanted) <= set(order), "a bookmarked hostile entry is not listed"
            await wait_for(pilot, lambda: app.focused is screen.episodes, "the list")
            assert screen.episodes.select_id(order[0])
            for n, eid in enumerate(order):
                await pilot.press("enter" if n == 0 else "n")
                await wait_for(pilot, partial(_reader_shows, screen, eid), f"{eid} opened")
                await settle(pilot)
                assert app.focused is not None and screen.reader in (
                    app.focused,
                    *app.focused.ancestors,
                ), "the focus left the reader"
                entry = screen.reader.entry
                assert entry is not None and entry.id == eid, f"{eid} did not stay open"
                seen.append(eid)
                text = reader_text(app)
                bad = TERMINAL_UNSAFE.search(text)
                if bad:
                    problems.append(f"{eid}: control {bad.group()!r} in the reader")
                if not _title_shown(entry.title, _title_text(screen)):
                    problems.append(f"{eid}: title {entry.title[:60]!r} not shown literally")
                if n % 10 == 0:
                    svg = app.export_screenshot()
                    if TERMINAL_UNSAFE.search(svg) or "&#27;" in svg or "&#x1b;" in svg.lower():
                        problems.append(f"{eid}: an escape on screen")
            assert app.return_code in (None, 0)

    asyncio.run(run())
    assert set(wanted) <= set(seen), f"not opened: {sorted(set(wanted) - set(seen))[:10]}"
    assert not problems, "\n".join(problems[:20])
    _still_there(d, hostile_library.ids)


def _reader_shows(screen: MainScreen, entry_id: str) -> bool:
    entry = screen.reader.entry
    return entry is not None and entry.id == entry_id


def _title_text(screen: MainScreen) -> str:
    """What the reader's title line shows, as plain text (not the whole reader).

    Why the line alone: a body that repeats the title as plain text would
    show its words even when the title itself were parsed as markup.
    """
    import io

    from rich.console import Console
    from textual.widgets import Static

    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    for w in screen.reader.query(".reader-title").results(Static):
        console.print(w.content)
    return console.export_text()


def _title_shown(title: str, shown: str) -> bool:
    """The title's first words are on screen as they are (whitespace aside)."""
    from store.text import screen_line

    words = screen_line(title).split()[:6]
    if not words:
        return True
    flat = "".join(shown.split())
    return "".join(words)[:40] in flat
