"""The machine line under the table: what the figures were measured on."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path

from bench import newsboat as nb
from bench import ours
from bench.term import tmux_available


def machine() -> dict[str, str]:
    """CPU, memory, OS, versions and load: ratios only mean something beside these."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "unknown"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GB"
    except (OSError, ValueError, IndexError):
        pass
    commit = (
        subprocess.run(
            ["git", "-C", str(ours.REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        or "unknown"
    )
    dirty = subprocess.run(
        ["git", "-C", str(ours.REPO), "status", "--porcelain", "--", "store", "tui"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    os_name = platform.platform()
    try:
        rel = dict(
            line.split("=", 1)
            for line in Path("/etc/os-release").read_text().splitlines()
            if "=" in line
        )
        os_name = rel.get("PRETTY_NAME", os_name).strip('"') + f" (kernel {platform.release()})"
    except OSError:
        pass
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "unknown"
    return {
        "cpu": f"{cpu}, {os.cpu_count()} logical cores",
        "load average (1/5/15 min) at the end": load,
        "memory": mem,
        "os": os_name,
        "python": platform.python_version(),
        "digest-tui": commit + (" + uncommitted changes in store/ or tui/" if dirty else ""),
        "newsboat": nb.version() if nb.available() else "not installed",
        "tmux": subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
        if tmux_available()
        else "not installed",
    }
