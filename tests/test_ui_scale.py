"""The Episodes list at 100,000 rows: built in one pass, only visible lines rendered."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from store.library import Row
from store.models import Marks
from tests.test_ui import settle
from tui.widgets.episode_list import EpisodeList, Header

pytestmark = pytest.mark.anyio

N = 100_000


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def rows(n: int) -> list[Row]:
    """n rows, newest first, ten per day (so the list carries date headers)."""
    out = []
    for i in range(n):
        day = 10_000 - i // 10
        date = f"{2000 + day // 372:04d}-{day % 372 // 31 + 1:02d}-{day % 31 + 1:02d}"
        out.append(
            Row(
                f"{i:012x}",
                f"Entry number {i}",
                "Show",
                "Feed",
                "feed",
                date,
                None,
                None,
                None,
                (),
                "",
            )
        )
    return out


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield EpisodeList(id="episodes")


async def test_hundred_thousand_rows_scroll() -> None:
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        episodes = app.query_one(EpisodeList)
        data = rows(N)
        rendered: list[int] = []
        original = episodes.render_line

        def counting(y: int):  # type: ignore[no-untyped-def]
            rendered.append(y)
            return original(y)

        episodes.render_line = counting  # type: ignore[method-assign]
        episodes.set_rows(data, lambda _id: Marks())
        episodes.focus()
        await settle(pilot)
        assert episodes.row_count == N
        assert episodes.current is not None and episodes.current.id == data[0].id
        assert max(rendered) < 30  # line API: only the visible lines were drawn
        await pilot.press("end")
        await settle(pilot)
        assert episodes.current is not None and episodes.current.id == data[-1].id
        assert episodes.scroll_y > N
        await pilot.press("pageup", "k", "home")
        await settle(pilot)
        assert episodes.current is not None and episodes.current.id == data[0].id
        assert isinstance(episodes._lines[0], Header)
        await pilot.press("j")
        assert episodes.current.id == data[1].id
