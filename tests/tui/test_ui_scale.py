"""The Episodes list at 100,000 rows: built in one pass, only visible lines rendered."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from store.models import Marks, Row
from tests.support.ui import settle
from tui.widgets.episode_list import EpisodeList, Header, build_lines

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
        episodes.set_lines(build_lines(data), lambda _id: Marks())
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


async def test_finding_an_entry_keeps_no_index_of_the_rows() -> None:
    """Keeping the cursor's entry, selecting one, asking which are listed: right
    answers at 100k rows, with no per-row structure built for them (an id ->
    line dict was ~66 bytes a row, built again for every listing)."""
    import tracemalloc

    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        episodes = app.query_one(EpisodeList)
        data = rows(N)
        lines = build_lines(data)
        deep = data[N - 5]
        tracemalloc.start()
        try:
            episodes.set_lines(lines, lambda _id: Marks(), keep=deep.id)
            assert episodes.current == deep
            assert episodes.select_id(data[7].id) and episodes.current == data[7]
            assert episodes.has_id(data[-1].id) and not episodes.has_id("not-listed")
            assert episodes.listed([data[-1].id, "not-listed", data[3].id]) == {
                data[-1].id,
                data[3].id,
            }
            assert not episodes.select_id("not-listed") and episodes.current == data[7]
            _size, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < N * 10, f"{peak} bytes allocated to find entries among {N} rows"
        await settle(pilot)


def test_show_column_gives_titles_the_room() -> None:
    """Capped at a quarter of the pane, dropped when narrow or when every row has one show."""
    from tui.widgets.episode_list import show_width

    assert show_width(85, 30) == 16
    assert show_width(54, 30) == 13
    assert show_width(54, 8) == 8
    assert show_width(30, 30) == 0  # titles would get < 30 columns
    assert show_width(85, 0) == 0
    data = rows(50)  # one show throughout
    import datetime

    lines = build_lines(data, today=datetime.date.fromisoformat(data[0].date))
    assert lines.row_count == 50 and lines.show_len == 0
    assert sum(isinstance(x, Header) for x in lines.lines) == 5  # ten a day, the last week
    mixed = [data[0]._replace(show="A much longer show name"), *data[1:]]
    assert build_lines(mixed).show_len == len("A much longer show name")
