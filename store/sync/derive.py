"""Deriving what a refresh or ingest stored readable-first: tags, word index, re-tags.

``EntryBatch.save(defer=True)`` writes the entries untagged with a journal of
their ids (``store.storage.pending``); ``derive_pending`` then tags them a
journal chunk at a time with ``store.index.topics.tag_entries`` (which also
writes the word index and re-tags older entries), each chunk one write
session that saves the tags and drops the chunk from the journal. The step is
``store.index.pendingtags.derive_chunk``, which search also runs in memory to
know the tags to come. A kill
between chunks loses nothing: the next run finds the rest in the journal. A
second process waits on the write lock and re-reads the journal inside it, so
a chunk is never derived twice. A kill inside a chunk is undone by its retry:
the tagging state it began from is in the journal (``begin_chunk``).
"""

from __future__ import annotations

from collections.abc import Callable

from store.storage.library import Library
from store.storage.pending import begin_chunk, drop_chunk, read_pending

__all__ = ["derive_pending", "pending_count"]

Progress = Callable[[int, int], None]


def pending_count(lib: Library) -> int:
    """How many entries are stored but not derived yet."""
    return len(read_pending(lib))


def derive_pending(
    lib: Library,
    topics: dict[str, list[str]] | None = None,
    progress: Progress | None = None,
    limit: int | None = None,
) -> int:
    """Derive pending entries, chunk by chunk; returns how many were derived.

    ``progress(done, total)`` is called after each chunk; ``limit`` stops after
    that many chunks (the rest stays journalled for the next run).
    """
    from store.index.pendingtags import derive_chunk
    from store.index.topics import STATE_NAME, TagStore

    done = 0
    total = pending_count(lib)
    chunks = 0
    while limit is None or chunks < limit:
        with lib.writing():
            lib.reload_if_changed()
            if not read_pending(lib).chunks:
                break
            ids = derive_chunk(lib, begin_chunk(lib, STATE_NAME), topics, TagStore(lib))
            drop_chunk(lib, ids)
        done += len(ids)
        chunks += 1
        if progress is not None:
            progress(done, max(total, done))
    return done
