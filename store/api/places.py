"""Where the library and the config are, opening them, their health and the UI's saved state.

Part of the door (``store.api``); see its docstring.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import paths
from store.errors import DigestError
from store.storage.library import Library

# Heavier floors are imported by the verbs that use them (start-up speed).
if TYPE_CHECKING:
    from store.config import Config
    from store.storage.checks import Report


# -- where things are ---------------------------------------------------------
def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The library directory: ``override``, else DIGEST_TUI_DATA_DIR, else the user's."""
    return paths.data_dir(override)


def config_path(override: str | os.PathLike[str] | None = None) -> Path:
    """The feeds.yaml in use: ``override``, else DIGEST_TUI_CONFIG, else the user's."""
    return paths.config_file(override)


def read_config(path: Path) -> Config:
    """Feeds, paths and topics from a feeds.yaml (a ``ConfigError`` says where it is wrong)."""
    from store.config import load_config

    return load_config(path)


def config_in_force(override: str | os.PathLike[str] | None = None) -> Config:
    """The config in force; one named with ``--config`` must exist.

    A mistyped ``--config`` used to read as "no feeds" and exit 0. A
    $DIGEST_TUI_CONFIG that names no file means "no feeds of mine" (scripts and
    tests set it so), as a missing user file falls back to the shipped one.
    """
    from store.errors import ConfigError

    path = config_path(override)
    if override and not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    return read_config(path)


def open_library(directory: Path, *, first_page: bool = False) -> Library:
    """Open (or create) the library in ``directory``; damage raises ``LibraryError``.

    ``first_page`` (the UI): a large library opens on its newest rows and its
    counts, and its other rows load when first needed or on ``complete``.
    """
    return Library.open(directory, first_page=first_page)


def complete(lib: Library) -> None:
    """Load every row of a library opened on its first page (a no-op otherwise)."""
    lib.complete()


def reload_if_changed(lib: Library) -> bool:
    """Pick up another process's writes; True when the rows changed."""
    return lib.reload_if_changed()


# -- the library's health -------------------------------------------------------
def doctor(directory: Path, *, fix_restore: bool = False, fix_repair: bool = False) -> Report:
    """Check every file of a data dir (which need not open), restoring/repairing if asked."""
    from store.storage.checks import diagnose
    from store.storage.doctor import repair, restore

    done: list[str] = []
    if fix_restore:
        done += restore(directory)
    if fix_repair:
        done += repair(directory)
    report = diagnose(directory)
    report.done = done
    return report


# -- UI state -------------------------------------------------------------------
def ui_state(lib: Library) -> dict[str, Any]:
    """The UI's saved state (theme, keymap); a damaged or odd file counts as empty."""
    try:
        state = lib.ui_state()
    except DigestError:
        return {}
    return state if isinstance(state, dict) else {}


def update_ui_state(lib: Library, fn: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Change the UI's saved state under the library's lock (no lost updates)."""
    lib.update_ui_state(lambda state: fn(state if isinstance(state, dict) else {}))
