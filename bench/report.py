"""Results, targets and the printed table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Target:
    """A goal from issues 7 and 19: ``ratio`` (ours/newsboat ≤ value), ``max`` or ``min`` (absolute)."""

    kind: str
    value: float

    def describe(self, unit: str) -> str:
        if self.kind == "ratio":
            return f"≤ {self.value:g}×"
        sign = "≤" if self.kind == "max" else "≥"
        return f"{sign} {self.value:g}×" if unit == "×" else f"{sign} {self.value:g} {unit}"


@dataclass
class Result:
    """One row: samples for both readers (None: not measured / not available)."""

    figure: str
    unit: str
    ours: list[float] | None = None
    theirs: list[float] | None = None
    target: Target | None = None
    notes: list[str] = field(default_factory=list)
    ours_missing: str = "n/a (not available)"
    theirs_missing: str = "—"

    @property
    def ours_median(self) -> float | None:
        return statistics.median(self.ours) if self.ours else None

    @property
    def theirs_median(self) -> float | None:
        return statistics.median(self.theirs) if self.theirs else None

    @property
    def ratio(self) -> float | None:
        o, t = self.ours_median, self.theirs_median
        if o is None or t is None or t == 0:
            return None
        return o / t

    def met(self) -> bool | None:
        if self.target is None or self.ours_median is None:
            return None
        if self.target.kind == "ratio":
            r = self.ratio
            return None if r is None else r <= self.target.value
        if self.target.kind == "max":
            return self.ours_median <= self.target.value
        return self.ours_median >= self.target.value

    def to_json(self) -> dict[str, object]:
        return {
            "figure": self.figure,
            "unit": self.unit,
            "ours": self.ours,
            "newsboat": self.theirs,
            "ours_median": self.ours_median,
            "newsboat_median": self.theirs_median,
            "ours_spread": [min(self.ours), max(self.ours)] if self.ours else None,
            "newsboat_spread": [min(self.theirs), max(self.theirs)] if self.theirs else None,
            "ratio": self.ratio,
            "target": None if self.target is None else self.target.describe(self.unit),
            "met": self.met(),
            "notes": self.notes,
        }


def _fmt(x: float | None, unit: str) -> str:
    if x is None:
        return ""
    if unit == "×":
        return f"{x:.2f}×"
    if unit == "ms":
        return f"{x:.1f} ms"
    if unit == "s":
        return f"{x:.2f} s"
    if unit == "MB":
        return f"{x:.0f} MB"
    return f"{x:.0f} {unit}"


def spread(xs: list[float] | None, unit: str) -> str:
    """``min–max (n runs)`` of one reader's samples: how far a median can be trusted."""
    if not xs:
        return "—"
    if len(xs) == 1:
        return "1 run"
    lo, hi = _fmt(min(xs), unit), _fmt(max(xs), unit)
    num = lo[: -len(unit)].rstrip() if lo.endswith(unit) else lo
    return f"{num}–{hi} ({len(xs)})"


def table(results: list[Result]) -> str:
    """A Markdown table: figure, medians, ratio, target, met, and each reader's spread."""
    head = (
        "| figure | digest-tui | newsboat | ratio | target | met | spread: digest-tui; newsboat |"
    )
    lines = [head, "| --- | ---: | ---: | ---: | --- | --- | --- |"]
    for r in results:
        ours = _fmt(r.ours_median, r.unit) if r.ours else r.ours_missing
        theirs = _fmt(r.theirs_median, r.unit) if r.theirs else r.theirs_missing
        ratio = f"{r.ratio:.2f}×" if r.ratio is not None else "—"
        target = r.target.describe(r.unit) if r.target else ""
        met = {True: "yes", False: "**no**", None: ""}[r.met()]
        runs = spread(r.ours, r.unit)
        if r.theirs:
            runs += "; " + spread(r.theirs, r.unit)
        lines.append(f"| {r.figure} | {ours} | {theirs} | {ratio} | {target} | {met} | {runs} |")
    notes = [f"* {r.figure}: {n}" for r in results for n in r.notes]
    if notes:
        lines += ["", "Notes:", *notes]
    return "\n".join(lines)
