"""Every command of the README's command line, its effect checked from a second command.

Why: a command that prints "1 entry bookmarked" and stores nothing passes any
test that reads its own output. Each test here changes the library with one
command and reads the change back with another (``list``, ``show``,
``export``), as a shell script would: the commands under test run in child
processes; the read-backs of the helpers below (``list --json``, ``show
--json``) run the same ``main`` in-process (``run_cli_in_process``: a fresh
library opened from disk, so it sees only what a child stored), half a second
of imports less each; ``list`` and ``show`` keep their own child runs here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from store.models import short_hash
from tests.support.cli import cli_env, run_cli, run_cli_in_process

DEEPSEEK = short_hash("deepseek")
WILLIAMSON = short_hash("williamson")
POST = short_hash("post")
PODCAST = short_hash("podcast")
ARTICLE = short_hash("article")


def _read_back(data: Path, *args: str) -> str:
    proc = run_cli_in_process(data, *args)
    assert proc.returncode == 0, (args, proc.stderr)
    return proc.stdout


def ids(data: Path, *query: str) -> list[str]:
    return [r["id"] for r in json.loads(_read_back(data, "list", "--json", *query))]


def shown(data: Path, entry_id: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(_read_back(data, "show", entry_id, "--json"))
    return out


def tags_of(data: Path, entry_id: str) -> set[str]:
    tags = shown(data, entry_id)["tags"]
    return set(tags["auto"]) | set(tags["user"])


def test_tag_then_untag_is_seen_by_list_and_show(lib_dir: Path) -> None:
    run_cli(lib_dir, "tag", DEEPSEEK[:6], "later", "to-read", check=True)  # a prefix works
    assert ids(lib_dir, "+later") == [DEEPSEEK]
    assert ids(lib_dir, "+to-read") == [DEEPSEEK]
    assert {"later", "to-read"} <= set(shown(lib_dir, DEEPSEEK)["tags"]["user"])
    run_cli(lib_dir, "untag", DEEPSEEK, "later", check=True)
    assert ids(lib_dir, "+later") == []
    assert ids(lib_dir, "+to-read") == [DEEPSEEK]
    # untag an automatic tag: it goes, and the other entries keep theirs
    assert DEEPSEEK in ids(lib_dir, "+china")
    run_cli(lib_dir, "untag", DEEPSEEK, "china", check=True)
    assert ids(lib_dir, "+china") == [POST]
    assert "china" not in tags_of(lib_dir, DEEPSEEK)


def test_bookmark_and_unbookmark_several(lib_dir: Path) -> None:
    run_cli(lib_dir, "bookmark", DEEPSEEK, PODCAST, check=True)
    assert sorted(ids(lib_dir, "is:bookmarked")) == sorted([DEEPSEEK, PODCAST])
    assert shown(lib_dir, PODCAST)["bookmarked"] is True
    run_cli(lib_dir, "unbookmark", PODCAST, check=True)
    assert ids(lib_dir, "is:bookmarked") == [DEEPSEEK]
    assert shown(lib_dir, PODCAST)["bookmarked"] is False
    exported = json.loads(run_cli(lib_dir, "export", "--bookmarked", check=True).stdout)
    assert [e["id"] for e in exported] == [DEEPSEEK]


def test_read_and_unread(lib_dir: Path) -> None:
    assert ids(lib_dir, "is:read") == [POST]  # the fixture read the post
    run_cli(lib_dir, "read", DEEPSEEK, ARTICLE, check=True)
    assert sorted(ids(lib_dir, "is:read")) == sorted([POST, DEEPSEEK, ARTICLE])
    run_cli(lib_dir, "unread", POST, DEEPSEEK, check=True)
    assert ids(lib_dir, "is:read") == [ARTICLE]
    assert POST in ids(lib_dir, "is:unread")
    assert shown(lib_dir, POST)["read"] is False


def test_list_limit_keeps_the_first_rows_in_order(lib_dir: Path) -> None:
    every = ids(lib_dir)
    assert len(every) == 5
    for n in (1, 3):
        assert ids(lib_dir, "--limit", str(n)) == every[:n]
        plain = run_cli(lib_dir, "list", "--limit", str(n), check=True).stdout
        assert len(plain.strip().splitlines()) == n
    assert ids(lib_dir, "+compute", "--limit", "1") == ids(lib_dir, "+compute")[:1]
    bad = run_cli(lib_dir, "list", "--limit", "many")
    assert bad.returncode != 0 and "--limit" in bad.stderr and "Traceback" not in bad.stderr


def test_export_to_a_file_is_what_stdout_gets(lib_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    proc = run_cli(lib_dir, "export", "-o", str(out), check=True)
    assert json.loads(out.read_text(encoding="utf-8")) == json.loads(
        run_cli(lib_dir, "export", check=True).stdout
    )
    assert str(out) not in proc.stdout or proc.stdout.count("\n") <= 1  # no dump on stdout
    assert {e["id"] for e in json.loads(out.read_text(encoding="utf-8"))} == set(ids(lib_dir))
    md = tmp_path / "compute.md"
    run_cli(lib_dir, "export", "--format", "md", "-o", str(md), "+compute", check=True)
    text = md.read_text(encoding="utf-8")
    assert "Episode 12: Compute is the new oil" in text
    assert "Men Aren't Seen" not in text  # the query applies to export
    opml = tmp_path / "feeds.opml"
    run_cli(lib_dir, "export", "--format", "opml", "-o", str(opml), check=True)
    import xml.etree.ElementTree as ET

    assert ET.parse(opml).getroot().tag == "opml"


def test_show_lists_related_entries_and_why(lib_dir: Path) -> None:
    data = shown(lib_dir, DEEPSEEK)
    related = data["related"]
    assert related, "DeepSeek shares tags with the post: something is related"
    mine = tags_of(lib_dir, DEEPSEEK)
    my_text = json.dumps(data, ensure_ascii=False).lower()
    for r in related:
        assert r["id"] != DEEPSEEK
        other = tags_of(lib_dir, r["id"])
        their_text = json.dumps(shown(lib_dir, r["id"]), ensure_ascii=False).lower()
        why = list(r["shared_tags"])
        assert 1 <= len(why) <= 4
        for reason in why:  # a tag both carry, or a word / phrase both say
            said = reason.replace("-", " ") in my_text and reason.replace("-", " ") in their_text
            assert reason in mine & other or said, f"the reason {reason} is not shared by both"
    plain = run_cli(lib_dir, "show", DEEPSEEK, check=True).stdout
    assert "Related" in plain
    for r in related:
        assert r["title"][:30] in plain and any(t in plain for t in r["shared_tags"])


def test_ingest_then_list_and_show(lib_dir: Path, tmp_path: Path) -> None:
    doc = tmp_path / "note.md"
    doc.write_text("# Zanzibar cloves\n\nA note about the Zanzibar clove harvest.\n")
    proc = run_cli(lib_dir, "ingest", str(doc), "--json", check=True)
    assert json.loads(proc.stdout)
    found = ids(lib_dir, "zanzibar")
    assert len(found) == 1
    assert shown(lib_dir, found[0])["title"] == "Zanzibar cloves"
    run_cli(lib_dir, "ingest", str(doc), check=True)  # the same file again: the same entry
    assert ids(lib_dir, "zanzibar") == found and len(ids(lib_dir)) == 6


def test_tags_counts_match_the_tag_queries(lib_dir: Path) -> None:
    tags = json.loads(run_cli(lib_dir, "tags", "--json", check=True).stdout)
    by = {t["tag"]: t for t in tags}
    assert {"china", "compute", "gender"} <= set(by)
    for name in ("china", "compute", "gender"):
        assert by[name]["entries"] == len(ids(lib_dir, f"+{name}")), name


def _bare(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The CLI without --data-dir / --config: only the environment decides."""
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args],
        capture_output=True,
        text=True,
        env=cli_env(**env),
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def test_data_dir_environment_variable_picks_the_library(lib_dir: Path, tmp_path: Path) -> None:
    proc = _bare("list", "--json", DIGEST_TUI_DATA_DIR=str(lib_dir))
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)) == 5
    bm = _bare("bookmark", WILLIAMSON, DIGEST_TUI_DATA_DIR=str(lib_dir))
    assert bm.returncode == 0, bm.stderr
    assert ids(lib_dir, "is:bookmarked") == [WILLIAMSON]  # the write went to that library
    # --data-dir wins over the environment
    other = tmp_path / "other"
    proc = run_cli(other, "list", "--json", DIGEST_TUI_DATA_DIR=str(lib_dir))
    assert proc.returncode == 0 and json.loads(proc.stdout) == []


def test_config_environment_variable_picks_the_feeds(lib_dir: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "feeds.yaml"
    cfg.write_text("feeds:\n  - url: http://127.0.0.1:9/env-feed.xml\n    name: Env Only Feed\n")
    proc = _bare("feeds", DIGEST_TUI_DATA_DIR=str(lib_dir), DIGEST_TUI_CONFIG=str(cfg))
    assert proc.returncode == 0, proc.stderr
    assert "Env Only Feed" in proc.stdout
    # --config wins over the environment
    cli = tmp_path / "cli.yaml"
    cli.write_text("feeds:\n  - url: http://127.0.0.1:9/cli-feed.xml\n    name: Flag Feed\n")
    proc = _bare("--config", str(cli), "feeds", DIGEST_TUI_DATA_DIR=str(lib_dir))
    assert "Flag Feed" in proc.stdout and "Env Only Feed" not in proc.stdout
    proc = _bare(
        "--config", str(cli), "feeds", DIGEST_TUI_DATA_DIR=str(lib_dir), DIGEST_TUI_CONFIG=str(cfg)
    )
    assert "Flag Feed" in proc.stdout and "Env Only Feed" not in proc.stdout
