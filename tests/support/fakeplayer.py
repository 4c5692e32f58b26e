"""A fake audio player on PATH: an executable that writes its arguments to a file."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path


def install(bin_dir: Path, name: str = "mpv") -> Path:
    """Write ``bin_dir/name``; it records its argv (one per line) in ``bin_dir/name.args``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    out = bin_dir / f"{name}.args"
    script = bin_dir / name
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"open({str(out)!r}, 'w').write('\\n'.join(sys.argv[1:]) + '\\n')\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return out


def path_with(bin_dir: Path) -> str:
    """PATH with ``bin_dir`` alone first (and no real player behind it)."""
    return str(bin_dir) + os.pathsep + os.environ.get("PATH", "")


def wait_for(path: Path, tries: int = 200) -> str:
    """The file's text once the detached player wrote it (fails after ``tries`` × 25 ms)."""
    for _ in range(tries):
        if path.exists() and path.read_text().endswith("\n"):
            return path.read_text()
        time.sleep(0.025)
    raise AssertionError(f"the player never ran ({path} not written)")
