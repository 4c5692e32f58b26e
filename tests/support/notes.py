"""Every notification an app raised, kept: the UI tests read what was said from here.

Why: ``app._notifications`` drops a toast once its timeout (2-4 s of wall
clock) has passed, so a test that reads it after waiting on a loaded machine
finds nothing and fails for no product reason. Recording the calls to
``notify`` keeps what was said, with its severity and markup, for the test's
whole run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Said:
    message: str
    severity: str
    markup: bool
    timeout: float | None


def record(app: Any) -> list[Said]:
    """Wrap ``app.notify`` so that each call is also appended to the returned list."""
    notes: list[Said] = []
    notify = app.notify

    def recording(message: str, **kw: Any) -> None:
        notes.append(
            Said(
                str(message),
                kw.get("severity", "information"),
                kw.get("markup", True),
                kw.get("timeout"),
            )
        )
        notify(message, **kw)

    app.notify = recording
    return notes


def messages(notes: list[Said]) -> list[str]:
    return [n.message for n in notes]
