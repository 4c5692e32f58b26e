"""How a failed background job reaches the user: one line, never a traceback.

Workers of the app and of the main screen call ``store.api`` and let a
failure propagate; the ``Worker.StateChanged`` handler of each (Textual posts
it to the node that started the worker, without bubbling) passes it here. A
``DigestError`` is the store saying what went wrong in words meant for the
user; anything else is a bug, shown with its type and logged in full.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.worker import Worker, WorkerState

from store.errors import DigestError
from tui.text import line


def report_worker_error(app: App[Any], event: Worker.StateChanged) -> None:
    """Tell the user a background job failed, in one line (details go to the log)."""
    if event.state != WorkerState.ERROR:
        return
    error = event.worker.error
    app.log.error(f"worker {event.worker.name} failed: {error!r}")
    if isinstance(error, DigestError):
        app.notify(line(str(error)) or "A background task failed.", severity="error", markup=False)
        return
    message = line(f"{type(error).__name__}: {error}")
    app.notify(
        message or "A background task failed.", title="Error", severity="error", markup=False
    )
