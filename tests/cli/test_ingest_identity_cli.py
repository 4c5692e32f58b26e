"""`ingest` says how many copies it folded, in its line and in --json."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cli
from tests.support.feedserver import rss


def test_ingest_reports_the_duplicates_it_folded(tmp_path: Path) -> None:
    body = rss(3, title="Folded Channel")
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "feed.xml").write_text(body, "utf-8")
    data = tmp_path / "data"
    out = run_cli(data, "ingest", str(tmp_path / "a"), str(tmp_path / "b"), check=True).stdout
    assert "2 file(s) read: 3 new, 0 already known, 0 updated, 3 duplicates folded" in out
    again = run_cli(data, "ingest", "--json", str(tmp_path / "b"), check=True).stdout
    report = json.loads(again)
    assert (report["new"], report["known"], report["updated"]) == (0, 3, 0)
    assert report["duplicates_folded"] == 0


def test_ingest_says_which_files_it_left_unread_as_unchanged(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "feed.xml").write_text(rss(2, title="Quiet Channel"), "utf-8")
    (tmp_path / "a" / "notes.md").write_text("# Notes\n\n## One\n\nA line of notes.\n", "utf-8")
    data = tmp_path / "data"
    run_cli(data, "ingest", str(tmp_path / "a"), check=True)
    (tmp_path / "a" / "notes.md").write_text("# Notes\n\n## One\n\nAnother line.\n", "utf-8")
    out = run_cli(data, "ingest", str(tmp_path / "a"), check=True).stdout
    assert "1 file(s) read (1 unchanged since the last ingest, not read): 1 new, 2 already" in out
    again = json.loads(run_cli(data, "ingest", "--json", str(tmp_path / "a"), check=True).stdout)
    assert (again["files_read"], again["files_unchanged"], again["known"]) == (0, 2, 3)
