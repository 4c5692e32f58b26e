"""One navigator line: a label cut with an ellipsis, an optional trend, the count at the right.

Why not a ``rich.table.Table`` grid (what it was): the grid measured and laid
out three columns for every line on every paint, 0.2 ms a line, and the
navigator's lines were a fifth of the first screen's paint (~80 ms of
Textual's 0.4 s at start). This draws the same cells (the grid's layout:
one space before the trend and before the count, the trend dim) in a tenth
of that. ``tests/tui/test_navline.py`` holds it to the grid's output.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

_DIM = Style(dim=True)


class NavLine:
    """A label, an optional trend and a count, filling the width it is given."""

    __slots__ = ("count", "label", "spark")

    def __init__(self, label: str, count: str, spark: str = "") -> None:
        self.label, self.count, self.spark = label, count, spark

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(options.max_width, options.max_width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        tail = Text(end="")
        if self.spark:
            tail.append(" " + self.spark, _DIM)
        tail.append(" " + self.count)
        # the label takes what the trend and count leave; a pane too narrow even
        # for those cuts the whole line at its edge
        text = Text(self.label, no_wrap=True, overflow="ellipsis", end="")
        text.truncate(max(width - tail.cell_len, 0), overflow="ellipsis", pad=True)
        text.append_text(tail)
        text.truncate(width, overflow="ellipsis")
        yield from text.render(console)
        yield Segment.line()
