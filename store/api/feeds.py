"""Bringing entries in: ingest, refresh, the feeds' status, OPML import, samples.

Part of the door (``store.api``); see its docstring.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from store.storage.library import Library

# Heavier floors are imported by the verbs that use them (start-up speed).
if TYPE_CHECKING:
    from store.config import Config
    from store.sync.feeds import FeedResult, FeedStatus, RefreshReport
    from store.sync.ingest import IngestReport


# -- bringing entries in --------------------------------------------------------
def ingest(
    lib: Library, paths_: Sequence[str], config: Config, *, wait: bool = True
) -> IngestReport:
    """Add digest files, folders or feed files, tagged with the config's topics.

    ``wait=False`` stores them readable-first and leaves their tags and word
    index to ``derive_pending`` (the journal names them until then).
    """
    from store.sync.ingest import ingest_paths

    if wait:
        derive_pending(lib, config)  # an earlier run's leftovers come first
    return ingest_paths(lib, paths_, topics=config.topics, defer=not wait)


def derive_pending(
    lib: Library, config: Config, progress: Callable[[int, int], None] | None = None
) -> int:
    """Finish what an earlier refresh or ingest left to derive; returns how many entries.

    ``progress(done, total)`` follows each committed chunk.
    """
    from store.config import default_topics
    from store.index.vocabulary import merge_topics
    from store.sync.derive import derive_pending as run_derive
    from store.sync.derive import pending_count

    if not pending_count(lib):
        return 0
    return run_derive(lib, merge_topics(default_topics(), config.topics), progress)


def pending_derivation(lib: Library) -> int:
    """How many stored entries are not derived yet (tags, word index)."""
    from store.sync.derive import pending_count

    return pending_count(lib)


def feeds_to_refresh(lib: Library, config: Config, names: Sequence[str] | None) -> int:
    """How many feeds a refresh of ``names`` (all when empty) will fetch."""
    from store.sync.feeds import select_feeds

    return len(select_feeds(config, names or [], lib.feed_states()))


def refresh(
    lib: Library,
    config: Config,
    names: Sequence[str] | None = None,
    progress: Callable[[FeedResult], None] | None = None,
    *,
    wait: bool = True,
) -> RefreshReport:
    """Fetch the configured feeds (all, or those named); ``progress`` sees each one.

    ``wait=False``: readable first, derived by ``derive_pending`` (as ``ingest``).
    """
    from store.sync.feeds import refresh as run_refresh

    if wait:
        derive_pending(lib, config)
    return run_refresh(lib, config, names, progress, defer=not wait)


def feed_statuses(lib: Library, config: Config) -> list[FeedStatus]:
    """Every configured feed with its last fetch, last success, entries and error."""
    from store.sync.feeds import feed_status

    return feed_status(lib, config)


def import_opml(opml: Path, config: Path) -> tuple[int, int, Path]:
    """Add an OPML file's feeds to feeds.yaml: (added, already known, file written)."""
    from store.opml import import_opml as add_feeds
    from store.opml import opml_target

    added, known = add_feeds(opml, config)
    return added, known, opml_target(config)


def ensure_samples(lib: Library) -> int:
    """Bundled samples for a library that never held anything; how many were added."""
    from store.sync.firstrun import ensure_samples as offer_samples

    report = offer_samples(lib)
    return report.entries_new if report is not None else 0
