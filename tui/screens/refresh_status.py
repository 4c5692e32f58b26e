"""What the refresh bar says while feeds come in, and the one notification after.

A run with many feeds used to stack one "Feed error" toast per failing feed
over the reader on every ``r``; now the bar counts "n/N feeds · M new" as each
feed finishes and one summary says what happened, pointing at the Feeds screen
for the details. Kept apart from the screen so the wording is tested as plain
functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from store import api


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


@dataclass
class RefreshTally:
    """Feeds done so far in the running refresh; ``total`` is None until it is known."""

    total: int | None = None
    done: int = 0
    new: int = 0
    failed: int = 0

    def add(self, result: api.FeedResult) -> None:
        self.done += 1
        self.new += result.entries_new
        if not result.ok:
            self.failed += 1

    def progress_line(self) -> str:
        """ "Refreshing 3/7 feeds · 12 new · 1 failed" (counts only once there are any)."""
        of = f"{self.done}/{self.total}" if self.total is not None else f"{self.done}"
        parts = [f"Refreshing {of} feeds"]
        parts.append(_plural(self.new, "new entry", "new entries"))
        if self.failed:
            parts.append(f"{self.failed} failed")
        return " · ".join(parts)


def refresh_summary(report: api.RefreshReport) -> tuple[str, int]:
    """One line for the whole run, and how many feeds failed."""
    updated = sum(1 for r in report.results if r.ok and r.status == "new")
    unchanged = sum(1 for r in report.results if r.ok and r.status != "new")
    failed = report.feeds_failed
    parts = []
    if updated:
        parts.append(f"{updated} updated")
    if unchanged:
        parts.append(f"{unchanged} unchanged")
    if failed:
        parts.append(f"{failed} failed")
    feeds = ", ".join(parts) if parts else "no feeds"
    line = f"{feeds} · {_plural(report.entries_new, 'new entry', 'new entries')}"
    if failed:
        line += " — press F for Feeds"
    return line, failed
