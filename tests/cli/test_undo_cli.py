"""`digest-tui undo` takes back the last change of marks, whichever command made it."""

from __future__ import annotations

import json
from pathlib import Path

from store.models import short_hash
from tests.support.cli import run_cli

DEEPSEEK = short_hash("deepseek")


def test_undo_takes_back_bookmark_then_read(lib_dir: Path) -> None:
    run_cli(lib_dir, "read", DEEPSEEK, check=True)
    run_cli(lib_dir, "bookmark", DEEPSEEK, check=True)
    shown = json.loads(run_cli(lib_dir, "show", DEEPSEEK, "--json", check=True).stdout)
    assert shown["bookmarked"] and shown["read"]
    out = run_cli(lib_dir, "undo", check=True).stdout
    assert out == "undone: bookmark (1 entry)\n"
    shown = json.loads(run_cli(lib_dir, "show", DEEPSEEK, "--json", check=True).stdout)
    assert not shown["bookmarked"] and shown["read"]
    out = json.loads(run_cli(lib_dir, "undo", "--json", check=True).stdout)
    assert out == {"undone": "mark read", "entries": 1}
    shown = json.loads(run_cli(lib_dir, "show", DEEPSEEK, "--json", check=True).stdout)
    assert not shown["read"]


def test_undo_with_nothing_left_says_so(tmp_path: Path) -> None:
    assert run_cli(tmp_path / "lib", "undo", check=True).stdout == "nothing to undo\n"
