"""The navigator's line draws what a Rich table grid of its three cells draws.

The grid (label with ellipsis, dim trend, right-aligned count, one space of
padding between) is the oracle: it is what the navigator used before
``NavLine``, and what its snapshots were taken of.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from tui.widgets.navline import NavLine

LABELS = st.text(
    alphabet=st.sampled_from(list("abc XYZ◆◇★#é") + ["保", "存", "😀"]), min_size=0, max_size=40
)
COUNTS = st.from_regex(r"\A[0-9]{1,5}/[0-9]{1,5}(·[0-9]src)?\Z")
SPARKS = st.sampled_from(["", "▁▂▃▄▅▆▇█", "▁"])


def _grid(label: str, count: str, spark: str) -> Table:
    grid = Table.grid(expand=True, padding=(0, 0, 0, 1))
    grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
    if spark:
        grid.add_column(no_wrap=True, style="dim")
    grid.add_column(justify="right", no_wrap=True)
    grid.add_row(*[Text(label), *([Text(spark)] if spark else []), Text(count)])
    return grid


def _cells(console: Console, renderable: object, width: int) -> list[tuple[str, bool]]:
    segments = console.render(renderable, console.options.update_width(width))  # type: ignore[arg-type]
    return [
        (ch, bool(s.style and s.style.dim)) for s in Segment.simplify(segments) for ch in s.text
    ]


@settings(max_examples=300, deadline=None)
@given(label=LABELS, count=COUNTS, spark=SPARKS, extra=st.integers(1, 40))
def test_a_line_draws_what_the_grid_draws(label: str, count: str, spark: str, extra: int) -> None:
    width = len(count) + 1 + (len(spark) + 1 if spark else 0) + extra
    console = Console(width=width, color_system="truecolor", force_terminal=True)
    assert _cells(console, NavLine(label, count, spark), width) == _cells(
        console, _grid(label, count, spark), width
    )


@given(label=LABELS, count=COUNTS, spark=SPARKS, width=st.integers(1, 12))
def test_a_pane_too_narrow_cuts_the_line_at_its_edge(
    label: str, count: str, spark: str, width: int
) -> None:
    console = Console(width=width, color_system="truecolor", force_terminal=True)
    lines = Segment.split_lines(console.render(NavLine(label, count, spark), console.options))
    drawn = [Segment.get_line_length(line) for line in lines]
    assert drawn and all(n <= width for n in drawn)


def test_the_count_stays_whole_and_the_label_gives_way() -> None:
    console = Console(width=20, color_system="truecolor", force_terminal=True)
    text = "".join(
        ch for ch, _ in _cells(console, NavLine("◆ A very long source name", "12/345"), 20)
    )
    assert text == "◆ A very lon… 12/345\n"
