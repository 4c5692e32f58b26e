"""The navigator's tags are on screen before the topic warm-up, not after it.

Why: the warm-up signs and places up to 2,000 new entries per start
(``store.index.simstore.IMPLICIT``); on a library whose entries were never
signed (one the previous release wrote, or after a large ingest) that took
~9 s of every start at 100k entries, and the tag summary waited for it. The
warm-up is held here on an event, so the test knows it is still running when
it looks; nothing waits a fixed time.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from store import api
from store.index import stories, tagindex
from tests.support.ui import main, settle, wait_for
from tui.app import DigestApp
from tui.screens.main import MainScreen

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def hold_warm_up(
    monkeypatch: pytest.MonkeyPatch, *, every: bool
) -> tuple[threading.Event, threading.Event, list[int]]:
    """The topic warm-up (``stories.ensure``) held until ``release`` is set: every
    call, or only the first; ``started`` is set when a held call begins, ``calls``
    counts them all."""
    started, release = threading.Event(), threading.Event()
    real = stories.ensure
    calls: list[int] = []

    def held(lib: Any, **kw: Any) -> Any:
        calls.append(1)
        if every or len(calls) == 1:
            started.set()
            release.wait(60)
        return real(lib, **kw)

    monkeypatch.setattr(stories, "ensure", held)
    return started, release, calls


async def replace_the_held_summary(
    pilot: Pilot[Any], app: DigestApp, started: threading.Event
) -> MainScreen:
    """Once the first tag summary is held, start a newer one (exclusive: the held one is
    cancelled) and let it finish; the main screen."""
    await wait_for(pilot, started.is_set, "the first summary to be held", workers=False)
    screen = main(app)
    newer = screen.load_tags()
    await wait_for(pilot, lambda: newer.is_finished, "the newer summary", workers=False)
    return screen


async def test_tags_are_shown_while_the_warm_up_runs(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started, release, _calls = hold_warm_up(monkeypatch, every=True)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        try:
            await wait_for(pilot, started.is_set, "the topic warm-up to start", workers=False)
            screen = main(app)
            await wait_for(pilot, lambda: bool(screen.nav_data.tags), "the tags", workers=False)
            assert not release.is_set() and started.is_set()
            nav = screen.navigator
            options = [nav.get_option_at_index(i).id or "" for i in range(nav.option_count)]
            assert any(o.startswith("tag:") for o in options), "tags known but no tag line"
        finally:
            release.set()
        await settle(pilot)
        # after the warm-up, the stories shown are the library's stories as they are now
        lib = screen.lib
        assert screen.nav_data.stories == api.nav_stories(lib)[0]
        assert screen.nav_data.stories_total == api.nav_stories(lib)[1]


async def test_a_replaced_summary_does_not_post_its_stories_after_the_warm_up(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tag summary replaced while its warm-up ran (the library changed: a newer
    one started) must not post afterwards: its tags are older than the newer's."""
    started, release, calls = hold_warm_up(monkeypatch, every=False)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        try:
            screen = await replace_the_held_summary(pilot, app, started)
            # what the held one would read after its warm-up: never to be shown
            monkeypatch.setattr(api, "nav_stories", lambda _lib: ([], 999))
        finally:
            release.set()
        await settle(pilot)
        assert len(calls) == 2
        assert screen.nav_data.stories_total != 999, "a replaced summary posted after its warm-up"


async def test_a_replaced_summary_that_finishes_last_is_not_shown(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first post of a summary replaced while it read the tags: a newer summary
    finished first, so the older one's tags, posted after, would replace newer ones."""
    started, release = threading.Event(), threading.Event()
    real = api.nav_tags
    calls: list[int] = []

    def held(lib: Any, stop: Any = None) -> Any:
        calls.append(1)
        if len(calls) == 1:
            started.set()
            release.wait(60)
            return []  # what the older summary read: never to be shown
        return real(lib, stop)

    monkeypatch.setattr(api, "nav_tags", held)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        try:
            screen = await replace_the_held_summary(pilot, app, started)
            await wait_for(pilot, lambda: bool(screen.nav_data.tags), "its tags", workers=False)
        finally:
            release.set()
        await settle(pilot)
        assert len(calls) == 2
        assert screen.nav_data.tags == real(screen.lib), "the replaced summary's tags are shown"


async def test_quitting_stops_the_warm_up(lib_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``q`` while the warm-up runs asks it to stop: a bounded call is seconds on a
    large library behind (100k never signed: 3-4 s), and quitting waited for it."""
    started, finished = threading.Event(), threading.Event()
    stopped: list[bool] = []

    def running(lib: Any, **kw: Any) -> None:
        """The warm-up's loop as the store runs it: the stop asked before each entry."""
        stop = kw.get("stop")
        started.set()
        try:
            for _ in range(3000):  # at most ~30 s, and a failure, if never told
                if stop is None or stop():
                    stopped.append(stop is not None)
                    return
                time.sleep(0.01)
            stopped.append(False)
        finally:
            finished.set()

    monkeypatch.setattr(stories, "ensure", running)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, started.is_set, "the topic warm-up to start", workers=False)
        assert not finished.is_set()
        await pilot.press("q")
    assert finished.wait(60)
    assert stopped == [True], "quitting did not tell the warm-up to stop"


async def test_quitting_stops_the_tag_summary(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``q`` while the navigator's tags are summed asks the summary to stop (~1.5 s of work
    at 500k, which quitting waited for)."""
    started, finished = threading.Event(), threading.Event()
    stopped: list[bool] = []
    real = tagindex.tag_summary

    def summing(lib: Any, stop: Any = None) -> Any:
        """The summary's loop as the store runs it: the stop asked before each tag."""
        started.set()
        try:
            for _ in range(3000):  # at most ~30 s, and a failure, if never told
                if stop is None or stop():
                    stopped.append(stop is not None)
                    return real(lib, stop)  # asked again there: Stopped
                time.sleep(0.01)
            stopped.append(False)
            return real(lib)
        finally:
            finished.set()

    monkeypatch.setattr(tagindex, "tag_summary", summing)
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(pilot, started.is_set, "the tag summary to start", workers=False)
        await pilot.press("q")
    assert finished.wait(60)
    assert stopped == [True], "quitting did not tell the tag summary to stop"
