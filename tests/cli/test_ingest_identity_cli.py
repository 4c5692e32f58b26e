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
