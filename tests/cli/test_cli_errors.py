"""Mistakes on the command line get an error naming the file, not a silent success
(issue 17.9): a missing --config, an export into a folder that does not exist."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import run_cli

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Quay Notes</title>
<link>https://quay.example/</link><description>d</description>
<item><title>Moorings</title><guid>https://quay.example/m</guid><link>https://quay.example/m</link>
<description>About moorings and ropes.</description></item></channel></rss>
"""


def test_a_named_config_that_is_missing_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "feeds.yaml"
    for args in (("--config", str(missing), "feeds"), ("--config", str(missing), "refresh")):
        proc = run_cli(tmp_path / "lib", *args)
        assert proc.returncode != 0, proc.stdout
        assert str(missing) in proc.stderr and "no such config file" in proc.stderr
        assert "Traceback" not in proc.stderr
    proc = run_cli(tmp_path / "lib", "feeds", DIGEST_TUI_CONFIG=str(missing))
    assert proc.returncode == 0  # the variable naming no file means "no feeds of mine"


def test_a_named_config_that_exists_is_used(tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("feeds:\n  - url: https://quay.example/feed.xml\n    name: Quay\n")
    proc = run_cli(tmp_path / "lib", "--config", str(config), "feeds", check=True)
    assert "Quay" in proc.stdout


def test_export_into_a_missing_folder_is_an_error_and_creates_nothing(tmp_path: Path) -> None:
    feed = tmp_path / "quay.xml"
    feed.write_text(FEED)
    run_cli(tmp_path / "lib", "ingest", str(feed), check=True)
    target = tmp_path / "no" / "such" / "dir" / "x.md"
    proc = run_cli(tmp_path / "lib", "export", "-o", str(target))
    assert proc.returncode != 0
    assert "no such directory" in proc.stderr and str(target.parent) in proc.stderr
    assert not (tmp_path / "no").exists()
    ok = tmp_path / "x.md"
    run_cli(tmp_path / "lib", "export", "-o", str(ok), check=True)
    assert "Moorings" in ok.read_text()
