"""save / saved / unsave / mute / unmute / mutes, each checked from a second command."""

from __future__ import annotations

import json
from pathlib import Path

from store.models import short_hash
from tests.support.cli import run_cli, run_cli_in_process

DEEPSEEK, POST = short_hash("deepseek"), short_hash("post")


def listed(lib_dir: Path, *query: str) -> set[str]:
    """What ``list`` reads back, in-process (the commands under test run as children)."""
    proc = run_cli_in_process(lib_dir, "list", "--json", *query)
    assert proc.returncode == 0, proc.stderr
    return {e["id"] for e in json.loads(proc.stdout)}


def test_save_then_saved_json_from_another_command(lib_dir: Path) -> None:
    assert run_cli(lib_dir, "save", "china", "+china", "-gender", check=True).stdout.startswith(
        "saved china: +china -gender"
    )
    data = json.loads(run_cli(lib_dir, "saved", "--json", check=True).stdout)
    assert data == [{"name": "china", "query": "+china -gender", "entries": 1, "unread": 1}]
    assert run_cli(lib_dir, "saved", "--rename", "china", "asia", check=True).returncode == 0
    assert [s["name"] for s in json.loads(run_cli(lib_dir, "saved", "--json").stdout)] == ["asia"]
    assert run_cli(lib_dir, "unsave", "asia", check=True).returncode == 0
    assert json.loads(run_cli(lib_dir, "saved", "--json").stdout) == []
    assert run_cli(lib_dir, "undo", check=True).stdout.strip() == "undone: delete search asia"
    assert [s["name"] for s in json.loads(run_cli(lib_dir, "saved", "--json").stdout)] == ["asia"]


def test_mistakes_are_one_line_and_status_2(lib_dir: Path) -> None:
    for args in (
        ("save", "x"),
        ("save", "x", '"open'),
        ("unsave", "nope"),
        ("mute",),
        ("unmute", "9"),
    ):
        proc = run_cli(lib_dir, *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_mute_hides_from_list_and_unmute_brings_back(lib_dir: Path) -> None:
    everything = listed(lib_dir)
    out = run_cli(lib_dir, "mute", "+china", check=True).stdout
    assert out.strip() == "muted 2 entries: +china"
    assert listed(lib_dir) == everything - {DEEPSEEK, POST}
    assert listed(lib_dir, "is:muted") == {DEEPSEEK, POST}
    rules = json.loads(run_cli(lib_dir, "mutes", "--json", check=True).stdout)
    assert rules == [{"n": 1, "query": "+china", "from": "library", "entries": 2, "error": None}]
    assert run_cli(lib_dir, "unmute", "1", check=True).returncode == 0
    assert listed(lib_dir) == everything
    assert run_cli(lib_dir, "undo", check=True).stdout.strip() == "undone: unmute +china"
    assert listed(lib_dir) == everything - {DEEPSEEK, POST}


def test_feeds_yaml_rules_apply_to_every_command_and_stay_in_the_file(
    lib_dir: Path, tmp_path: Path
) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("mute:\n  - source:fdaudens\n", encoding="utf-8")
    proc = run_cli(lib_dir, "--config", str(config), "list", "--json", check=True)
    assert POST not in {e["id"] for e in json.loads(proc.stdout)}
    rules = json.loads(run_cli(lib_dir, "--config", str(config), "mutes", "--json").stdout)
    assert [(r["query"], r["from"]) for r in rules] == [("source:fdaudens", "feeds.yaml")]
    proc = run_cli(lib_dir, "--config", str(config), "unmute", "source:fdaudens")
    assert proc.returncode == 2 and "feeds.yaml" in proc.stderr
    config.write_text("mute: []\n", encoding="utf-8")
    proc = run_cli(lib_dir, "--config", str(config), "list", "--json", check=True)
    assert POST in {e["id"] for e in json.loads(proc.stdout)}


def test_saved_export_writes_the_searches_block(lib_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "feeds.yaml"
    config.write_text("# my feeds\nfeeds: []\n", encoding="utf-8")
    run_cli(lib_dir, "save", "later", "is:unread", "@7-days-ago", check=True)
    proc = run_cli(lib_dir, "--config", str(config), "saved", "--export", check=True)
    assert proc.stdout.strip() == f"wrote 1 saved search to {config}"
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# my feeds\nfeeds: []\n") and "searches:" in text
    fresh = tmp_path / "fresh"
    fresh.mkdir()  # a new, empty library (a read command never creates one)
    run_cli(fresh, "--config", str(config), "list", check=True)  # it takes them in
    data = json.loads(run_cli(fresh, "--config", str(config), "saved", "--json").stdout)
    assert [(s["name"], s["query"]) for s in data] == [("later", "is:unread @7-days-ago")]
