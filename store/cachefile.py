"""Files in the user cache dir (``store.paths.cache_dir``): derived, so written whole
or not at all, and named by what made them.

Two kinds live there, the YAML trees of configs (``store.config_tree``) and
the sorted word-frequency lists (``store.index.zipfsorted``); both are rebuilt
when missing or damaged, so a write needs no fsync (unlike the library's
files, ``store.storage.atomic``), only a rename a reader never sees half done.
"""

from __future__ import annotations

import contextlib
import os
from importlib.util import find_spec
from pathlib import Path

__all__ = ["made_by", "write"]


def write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` through a temp file and a rename (OSError on failure)."""
    import tempfile  # only when writing: it imports shutil and random (10 ms), a read needs neither

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def made_by(module: str) -> str:
    """Which installed copy of ``module`` (a package) made a file: its ``__init__``'s size
    and time, read without importing it (what a cache hit saves) or importlib.metadata
    (25 ms). "?" when it cannot be found."""
    try:
        spec = find_spec(module)
        origin = spec.origin if spec is not None else None
        st = os.stat(origin) if origin else None
    except (ImportError, ValueError, OSError):
        return "?"
    return f"{st.st_size}-{st.st_mtime_ns}" if st is not None else "?"
