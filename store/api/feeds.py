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
def ingest(lib: Library, paths_: Sequence[str], config: Config) -> IngestReport:
    """Add digest files, folders or feed files, tagged with the config's topics."""
    from store.sync.ingest import ingest_paths

    return ingest_paths(lib, paths_, topics=config.topics)


def feeds_to_refresh(lib: Library, config: Config, names: Sequence[str] | None) -> int:
    """How many feeds a refresh of ``names`` (all when empty) will fetch."""
    from store.sync.feeds import select_feeds

    return len(select_feeds(config, names or [], lib.feed_states()))


def refresh(
    lib: Library,
    config: Config,
    names: Sequence[str] | None = None,
    progress: Callable[[FeedResult], None] | None = None,
) -> RefreshReport:
    """Fetch the configured feeds (all, or those named); ``progress`` sees each one."""
    from store.sync.feeds import refresh as run_refresh

    return run_refresh(lib, config, names, progress)


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
