"""The first screen of a large library: its first page at once, then every entry (issue 19.2).

The app opens a library whose start-up cache has several chunks on the
first one (``store.storage.firstpage``): the list shows the newest rows with
the whole library's counts, then the rows load in a worker and the list
holds every entry, the cursor where it was. Chunks are made small so a
45-entry library has five of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store import api
from store.storage import rows as index_file
from store.views import Listing
from tests.support.library import build_library, numbered_entries
from tests.support.ui import main, reader_text, settle, wait_for
from tui.app import DigestApp
from tui.screens.main_view import MainView

pytestmark = pytest.mark.anyio
N, CHUNK = 45, 10


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_first_page_then_every_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_file, "CACHE_CHUNK", CHUNK)
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))
    lib = build_library(tmp_path / "lib", numbered_entries(N))
    rows = lib.rows()
    lib.set_read([rows[0].id, rows[-1].id], True)
    listings: list[tuple[bool, int, int, int]] = []
    titles: list[str] = []
    real_list, real_title = api.list_view, MainView._episodes_title

    def list_view(*args: Any, **kwargs: Any) -> Listing:
        got = real_list(*args, **kwargs)
        listings.append((got.partial, len(got.rows or ()), got.nav.total, got.nav.unread))
        return got

    def episodes_title(self: MainView, *args: Any) -> str:
        titles.append(real_title(self, *args))
        return titles[-1]

    monkeypatch.setattr(api, "list_view", list_view)
    monkeypatch.setattr(MainView, "_episodes_title", episodes_title)
    app = DigestApp(tmp_path / "lib", first_run=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main(app)
        await wait_for(pilot, lambda: screen.episodes.row_count == N, "every entry listed")
        # the first listing: the first page, counted over the whole library
        assert listings[0] == (True, CHUNK, N, N - 2)
        assert titles[0].endswith(f"· {N}"), titles
        assert (False, N, N, N - 2) in listings
        assert all(t.endswith(f"· {N}") for t in titles), titles
        assert screen.episodes.current is not None and screen.episodes.current.id == rows[0].id
        # the oldest entry, far past the first page, is there by keys
        await pilot.press("end")
        await settle(pilot)
        assert screen.episodes.current is not None and screen.episodes.current.id == rows[-1].id
        await pilot.press("enter")
        await settle(pilot)
        assert rows[-1].title in reader_text(app)
