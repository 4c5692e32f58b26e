"""First run: a library that has never held anything gets the bundled samples.

Only the UI calls this (a CLI command never adds entries the user did not ask
for), and only once per library: the library keeps the flag, so samples
the user removed do not come back.
"""

from __future__ import annotations

from store.models import Source
from store.storage.library import Library
from store.sync.ingest import IngestReport, parse_path

SAMPLES_FLAG = "samples_offered"


def samples_offered(lib: Library) -> bool:
    """Whether the bundled samples were ever offered to this library."""
    return bool(lib.state_table("flags").get(SAMPLES_FLAG))


def mark_samples_offered(lib: Library) -> None:
    """Remember for good that the samples were offered (removed ones stay away)."""
    lib.state_table("flags").set(SAMPLES_FLAG, True)


def ensure_samples(lib: Library) -> IngestReport | None:
    """Ingest the bundled samples if this library never had anything.

    They arrive under one source, ``store.samples.SOURCE_NAME``, whatever
    each file would be named by the rule for a user's files (its digest's
    name, its author, else its folder): a fresh library then shows one
    source the reader recognises, not "Digestly", "mira_k" and "samples" (the
    package's folder). Everything else is ingest's: identity folding,
    tagging, one save.
    """
    if samples_offered(lib) or len(lib):
        return None
    from store.config import default_topics, topics_in_force
    from store.index.vocabulary import merge_topics
    from store.samples import SOURCE_NAME, sample_paths
    from store.storage.shards import content_text
    from store.sync.batch import EntryBatch

    report = IngestReport()
    batch = EntryBatch(lib, merge_topics(default_topics(), topics_in_force()))
    for path in sample_paths():
        entries, why = parse_path(path)
        if why:
            report.skipped.append((str(path), why))
            continue
        report.files_read += 1
        named = [e.with_(source=Source("file", SOURCE_NAME, str(path))) for e in entries]
        batch.add(named, [content_text(e) for e in named])
    report.new_ids = batch.save().new
    report.entries_new = batch.entries_new
    report.entries_known = batch.entries_known
    mark_samples_offered(lib)
    return report
