"""`digest-tui list` and `digest-tui tags` keep their columns whatever the entries hold.

Why: `safe_line` over a whole line collapsed the padding, so a read entry lost
its flag column, an undated one its date, and every field after shifted; a
CJK or emoji source was cut by characters, not cells. Each line is checked by
the terminal cell at which each column starts, and by awk-style fields.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from store import api
from store.models import Entry, Source
from store.storage.library import Library
from tests.support.cli import run_cli
from tui.cli.columns import cell

# id, flags, date, source, title: where each starts, in cells
STARTS = (0, 9, 12, 23, 42)
WIDTHS = (8, 2, 10, 18)

TITLES = {
    "plain": ("Plain Source", "2025-03-03", "An ordinary title"),
    "wide": ("中文播客节目的名字很长很长", "2025-03-11", "人工智能 — 芯片与能源 🎙️ episode"),
    "emoji": ("🎧 Pods & Co", "2025-03-19", "Emoji 🚀🚀 title"),
    "markup": ("[bold]Source[/bold]", "2025-03-27", "[red]not markup[/red] [link=x]y[/link]"),
    "escape": ("Esc\x1b[31mRed\x1b[0m", "2025-04-04", "Title \x1b]8;;http://x\x07link\x1b]8;;\x07"),
    "spaces": ("Two   Spaces\tTab", "", "Undated    title\twith tabs"),
    "long": ("A source name far longer than eighteen cells", "2025-04-30", "Long"),
}


@pytest.fixture()
def lib_dir(tmp_path: Path) -> Path:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            Entry(id=f"{k:0<12}"[:12], source=Source("file", src, "/x"), title=t, published=d)
            for k, (src, d, t) in TITLES.items()
        ]
    )
    ids = {k: f"{k:0<12}"[:12] for k in TITLES}
    lib.set_read([ids["plain"], ids["markup"], ids["spaces"]], True)
    lib.set_bookmarked([ids["wide"], ids["spaces"], ids["plain"]], True)
    return lib.dir


def cells_at(line: str) -> dict[int, int]:
    """Cell position -> character index, for every character that starts a cell run."""
    out, pos = {}, 0
    for i, ch in enumerate(line):
        out[pos] = i
        pos += cell_len(ch)
    out[pos] = len(line)
    return out


def test_list_columns_start_at_the_same_cell_on_every_line(lib_dir: Path) -> None:
    lines = run_cli(lib_dir, "list", check=True).stdout.splitlines()
    assert len(lines) == len(TITLES)
    for ln in lines:
        at = cells_at(ln)
        assert all(s in at for s in STARTS), f"a column boundary falls inside a glyph: {ln!r}"
        fields = [ln[at[a] : at[b - 1]] for a, b in zip(STARTS, STARTS[1:], strict=False)]
        assert [cell_len(f) for f in fields] == list(WIDTHS), ln
        assert all(ln[at[b - 1]] == " " for b in STARTS[1:]), ln
        eid, flags, date, _source = fields
        assert re.fullmatch(r"[0-9a-z]{8}", eid), ln
        assert re.fullmatch(r"[*-][N-]", flags), ln
        assert re.fullmatch(r"\d{4}-\d\d-\d\d|-{10}", date), ln
        assert "\x1b" not in ln and "\t" not in ln
        # awk '{print $1, $2, $3}' finds id, flags and date on every line
        assert ln.split()[:3] == [eid, flags, date]


def test_list_fields_say_what_each_entry_is(lib_dir: Path) -> None:
    lines = {ln[:8]: ln for ln in run_cli(lib_dir, "list", check=True).stdout.splitlines()}
    by = {k: lines[f"{k:0<12}"[:8]] for k in TITLES}
    assert by["plain"].split()[1] == "*-"  # bookmarked, read
    assert by["emoji"].split()[1] == "-N"  # neither: new
    assert by["spaces"].split()[1:3] == ["*-", "----------"]  # undated keeps a date cell
    assert "…" in by["long"] and "…" in by["wide"]  # cut by cells, marked as cut
    assert "[red]not markup[/red]" in by["markup"]  # shown as written, never parsed
    assert "Undated title with tabs" in by["spaces"]


def test_list_json_is_unchanged(lib_dir: Path) -> None:
    data = json.loads(run_cli(lib_dir, "list", "--json", check=True).stdout)
    lib = Library.open(lib_dir)
    assert data == api.export_entries_json(lib, api.list_rows(lib, ""), full=False)
    assert set(data[0]) == {
        "id", "source", "digest", "show", "author", "title", "link", "published", "summary",
        "key_points", "key_points_derived", "enclosure", "reading_minutes", "extra", "tags",
        "bookmarked", "read",
    }  # fmt: skip
    names = {d["source"]["name"] for d in data}
    assert TITLES["long"][0] in names  # whole: cutting to a column is for the table only


@given(st.text(max_size=40), st.integers(min_value=1, max_value=30))
def test_a_cell_is_exactly_its_width(text: str, width: int) -> None:
    out = cell(text, width)
    assert cell_len(out) == width
    assert not any(unicodedata.category(c) == "Cc" for c in out)


def test_tags_trend_column_is_aligned_and_has_no_spaces(lib_dir: Path) -> None:
    lib = Library.open(lib_dir)
    ids = [r.id for r in lib.rows()]
    lib.add_tags(ids[:5], ["energy"])
    lib.add_tags(ids[2:3], ["中文标签"])
    lib.add_tags(ids[-1:], ["undated-only"])
    out = run_cli(lib_dir, "tags", check=True).stdout.splitlines()
    legend, rows = out[0], out[1:]
    # six dated weeks, with gaps: said in the legend
    assert legend.startswith("weeks: 2025-03-03 … 2025-04-28 (6 weeks that hold entries")
    assert len(rows) == 3
    trends = []
    for ln in rows:
        m = re.search(r"[·▁▂▃▄▅▆▇█]+$", ln)
        assert m, ln
        trends.append((cell_len(ln[: m.start()]), m.group()))
    assert len({start for start, _t in trends}) == 1, rows  # one column for every tag
    assert len({len(t) for _s, t in trends}) == 1
    assert dict(zip([r.split()[0] for r in rows], [t for _s, t in trends], strict=True))[
        "undated-only"
    ] == "·" * len(trends[0][1])
