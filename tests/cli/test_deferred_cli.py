"""`ingest --no-wait`, then `list +TAG --json` and `show` before and after `derive`, as a shell runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cli, run_cli_in_process
from tests.support.seeds import SEEDS


def _ids(data: Path, query: str, child: bool = False) -> list[str]:
    """Ids `list QUERY --json` prints (in this process unless ``child``: it loops)."""
    run = run_cli if child else run_cli_in_process
    done = run(data, "list", query, "--json")
    assert done.returncode == 0, done.stderr
    return [e["id"] for e in json.loads(done.stdout)]


def _tags(data: Path) -> list[str]:
    out = run_cli(data, "list", "--json", check=True).stdout
    return sorted({t for e in json.loads(out) for t in e["tags"]["auto"]})


def test_list_by_tag_is_the_same_before_and_after_derive(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_cli(data, "ingest", "--no-wait", str(SEEDS), check=True)
    before = tmp_path / "before"
    run_cli(before, "ingest", "--no-wait", str(SEEDS), check=True)
    assert _tags(data) == []  # nothing derived yet
    run_cli(data, "derive", check=True)
    tags = _tags(data)
    assert len(tags) > 5
    assert _ids(before, f"+{tags[0]}", child=True) == _ids(data, f"+{tags[0]}", child=True)
    for t in tags:
        for q in (f"+{t}", f"-{t}"):
            assert _ids(before, q) == _ids(data, q), q


def test_show_says_tags_pending_until_derived(tmp_path: Path) -> None:
    data = tmp_path / "data"
    run_cli(data, "ingest", "--no-wait", str(SEEDS), check=True)
    eid = _ids(data, "ai", child=True)[0]
    shown = json.loads(run_cli(data, "show", eid, "--json", check=True).stdout)
    assert shown["tags_pending"] is True
    assert "Tags pending" in run_cli(data, "show", eid, check=True).stdout
    run_cli(data, "derive", check=True)
    shown = json.loads(run_cli(data, "show", eid, "--json", check=True).stdout)
    assert shown["tags_pending"] is False and shown["tags"]["auto"]
    text = run_cli(data, "show", eid, check=True).stdout
    assert "Tags pending" not in text and "Tags: " in text
