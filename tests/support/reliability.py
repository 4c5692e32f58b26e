"""Helpers shared by the reliability, hostile-input and fuzz tests (no tests here).

Imported as ``tests.support.reliability`` so it works whether or not
``tests`` is a package; ``bench/reliability.py`` uses it too.
"""

from __future__ import annotations

import re
from pathlib import Path

from store.models import Entry, Section, Source
from tests.support.cli import cli_env, run_cli  # noqa: F401 - one CLI runner for all tests
from tests.support.shared import SHARED

REPO = Path(__file__).resolve().parents[2]

CORPUS = SHARED / "corpus"

# What must never reach a terminal: C0 controls but \t \n \r, DEL, C1 controls
# (0x9b is CSI), as characters; ESC is the start of every escape sequence.
TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What must never be stored in a field: the same, minus nothing (tabs and
# newlines are allowed in bodies only; the tests say where).
FIELD_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def snapshot(d: Path) -> dict[str, bytes]:
    """Every file of a data dir (lock files aside) and its bytes."""
    return {
        str(p.relative_to(d)): p.read_bytes()
        for p in sorted(d.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def synthetic_entries(n: int, tag: str = "") -> list[Entry]:
    """Small but realistic entries (sections, key points), spread over the shards."""
    src = Source("file", f"Src{tag}", f"/tmp/src{tag}")
    return [
        Entry(
            id=f"{i * 2654435761 % 16**12:012x}" if not tag else f"{tag}{i:010x}"[-12:],
            source=src,
            title=f"Title {tag}{i}",
            summary=f"Summary {i} about models and open source.",
            key_points=(f"point {i}",),
            sections=(Section("Sec", "1", None, ("b1", "b2")),),
            published=f"2025-01-{1 + i % 28:02d}",
        )
        for i in range(n)
    ]


def write_digests(folder: Path, n: int, tag: str) -> None:
    """``n`` fresh digest files (new content per ``tag``, so ingest really writes)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"d{i:04d}.md").write_text(
            f"# Digest {tag} {i} — 2025-03-{1 + i % 28:02d}\n\n"
            f"## Show {tag}{i} — Episode {i} of round {tag}\n\n"
            f"A summary paragraph about topic {tag}{i} and open source models.\n\n"
            "### Key Points\n\n- first point\n- second point\n\n"
            "### Details\n\n#### 1. First section\n\n- bullet one\n- bullet two\n",
            encoding="utf-8",
        )
