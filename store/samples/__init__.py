"""Sample digests shipped with the package, ingested on first run.

Written for digest-tui (original text), one per supported format family, on
overlapping topics so the cross-topic tags link them from the first launch.
"""

from __future__ import annotations

from pathlib import Path

_SUFFIXES = (".txt", ".md", ".org", ".html")

# The one source every sample is shown under (``store.sync.firstrun``); the
# Markdown sample's front matter names it too.
SOURCE_NAME = "Sample Digests"


def sample_paths() -> list[Path]:
    """Paths of the bundled sample digests, sorted by name."""
    here = Path(__file__).resolve().parent
    return sorted(p for p in here.iterdir() if p.is_file() and p.suffix in _SUFFIXES)
