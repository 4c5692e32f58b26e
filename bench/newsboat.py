"""newsboat, the reference reader: install, configure, reload, open.

Every newsboat run is confined to one directory: ``urls``, ``config``,
``cache.db`` and ``HOME`` (newsboat keeps history files under it), so the
user's own newsboat is never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

#: Settings for every benchmark run: stock behaviour except what would make
#: runs differ (no auto-reload at start, no confirmation prompts).
CONFIG = """\
auto-reload no
confirm-exit no
show-read-feeds yes
"""


def available() -> bool:
    return shutil.which("newsboat") is not None


def ensure_installed(log: list[str]) -> bool:
    """Install newsboat from Debian if it is missing; False (with a note) if that fails."""
    if available():
        return True
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        log.append("newsboat missing and cannot be installed here (needs root and apt-get)")
        return False
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "newsboat"]):
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if r.returncode != 0:
            log.append(f"`{' '.join(cmd)}` failed: {r.stderr.strip()[-200:]}")
            return False
    return available()


def version() -> str:
    try:
        out = subprocess.run(["newsboat", "--version"], capture_output=True, text=True)
    except OSError:
        return "n/a"
    return out.stdout.splitlines()[0].split(" - ")[0] if out.stdout else "n/a"


@dataclass
class Setup:
    """One newsboat home: where its urls, config and cache live."""

    dir: Path

    @property
    def urls(self) -> Path:
        return self.dir / "urls"

    @property
    def config(self) -> Path:
        return self.dir / "config"

    @property
    def cache(self) -> Path:
        return self.dir / "cache.db"

    def argv(self, *extra: str) -> list[str]:
        return [
            "newsboat",
            "-u",
            str(self.urls),
            "-c",
            str(self.cache),
            "-C",
            str(self.config),
            *extra,
        ]

    def env(self) -> dict[str, str]:
        return {"HOME": str(self.dir), "XDG_CONFIG_HOME": str(self.dir), "LANG": "C.UTF-8"}

    def clear_cache(self) -> None:
        for p in self.dir.glob("cache.db*"):
            p.unlink()


def setup(directory: Path, urls: list[str]) -> Setup:
    directory.mkdir(parents=True, exist_ok=True)
    s = Setup(directory)
    s.urls.write_text("".join(u + "\n" for u in urls))
    s.config.write_text(CONFIG)
    return s


def reload(s: Setup, timeout: float = 1800) -> float:
    """``newsboat -x reload``; wall seconds. Raises on failure."""
    t0 = time.perf_counter()
    r = subprocess.run(
        s.argv("-x", "reload"),
        capture_output=True,
        text=True,
        env={**os.environ, **s.env()},
        timeout=timeout,
        check=False,
    )
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        raise RuntimeError(f"newsboat reload failed ({r.returncode}): {r.stderr.strip()[-300:]}")
    for lock in s.dir.glob("cache.db.lock"):
        lock.unlink()
    return dt


def item_count(s: Setup) -> int:
    import sqlite3

    con = sqlite3.connect(s.cache)
    try:
        return int(con.execute("select count(*) from rss_item").fetchone()[0])
    finally:
        con.close()
