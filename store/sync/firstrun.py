"""First run: a library that has never held anything gets the bundled samples.

Only the UI calls this (a CLI command never adds entries the user did not ask
for), and only once per library: the library keeps the flag, so samples
the user removed do not come back.
"""

from __future__ import annotations

from store.storage.library import Library
from store.sync.ingest import IngestReport, ingest_paths


def ensure_samples(lib: Library) -> IngestReport | None:
    """Ingest the bundled samples if this library never had anything."""
    if lib.samples_offered() or len(lib):
        return None
    from store.samples import sample_paths

    report = ingest_paths(lib, [str(p) for p in sample_paths()])
    lib.mark_samples_offered()
    return report
