"""Where things live: every path the program uses comes from here.

Resolution order is flag, then environment, then the platform directory, so
tests and scripts can point the program anywhere. Nothing is created at import
time; callers create directories when they first write.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "digest-tui"
DATA_ENV = "DIGEST_TUI_DATA_DIR"
CONFIG_ENV = "DIGEST_TUI_CONFIG"
CACHE_ENV = "DIGEST_TUI_CACHE"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The library directory (may hold several files)."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(DATA_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_file() -> Path:
    """The user's own feeds.yaml in the platform config directory."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "feeds.yaml"


def default_config_file() -> Path:
    """The feeds.yaml that ships inside the package (the wheel copies the repo's).

    Running from a source checkout, the repo's own feeds.yaml is that file.
    """
    here = Path(__file__).resolve().parent
    packaged = here / "default_feeds.yaml"
    return packaged if packaged.exists() else here.parent / "feeds.yaml"


def config_file(override: str | os.PathLike[str] | None = None) -> Path:
    """The config in force: --config, $DIGEST_TUI_CONFIG, the user's, the shipped one."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    user = user_config_file()
    try:
        if user.is_file():
            return user
    except OSError:  # an unreadable config dir (another user's HOME): use the default
        pass
    return default_config_file()


def cache_dir() -> Path:
    """Derived files that outlive a run but not a deletion (sorted word lists, parsed
    configs): ``DIGEST_TUI_CACHE`` or the platform's user cache directory."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
