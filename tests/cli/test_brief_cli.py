"""`digest-tui brief` and the bulk commands by query (`read --query`, `tag --query`...)."""

from __future__ import annotations

import json
from pathlib import Path

from store.models import short_hash
from store.storage.library import Library
from tests.support.cli import run_cli, run_cli_in_process

OWN = Path(__file__).resolve().parents[1] / "data" / "topics-own"


def _reads(d: Path) -> dict[str, tuple[bool, bool, tuple[str, ...]]]:
    lib = Library.open(d)
    return {
        r.id: (lib.marks(r.id).read, lib.marks(r.id).bookmarked, lib.marks(r.id).user_tags)
        for r in lib.rows()
    }


def _n(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


def _ids(d: Path, *query: str) -> set[str]:
    """What ``list`` reads back, in-process (the commands under test run as children)."""
    proc = run_cli_in_process(d, "list", *query, "--json")
    assert proc.returncode == 0, proc.stderr
    return {e["id"] for e in json.loads(proc.stdout)}


def test_read_by_query_is_one_step_that_undo_takes_back_exactly(lib_dir: Path) -> None:
    before = _reads(lib_dir)
    china = _ids(lib_dir, "+china")
    assert len(china) >= 2 and short_hash("post") in china  # the post is read already
    out = run_cli(lib_dir, "read", "--query", "+china", check=True).stdout
    assert out == f"{_n(len(china) - 1)} marked read ({len(china)} matched)\n"
    assert not _ids(lib_dir, "+china", "is:unread")  # a second command sees the effect
    assert run_cli(lib_dir, "undo", check=True).stdout == (
        f"undone: mark read ({_n(len(china) - 1)})\n"
    )
    assert _reads(lib_dir) == before  # exactly: the read post stays read
    run_cli(lib_dir, "unread", "--query=-is:unread", check=True)
    assert not _ids(lib_dir, "is:read")
    run_cli(lib_dir, "undo", check=True)
    assert _reads(lib_dir) == before


def test_tag_untag_and_bookmark_by_query_each_one_step(lib_dir: Path) -> None:
    before = _reads(lib_dir)
    china = _ids(lib_dir, "+china")
    out = run_cli(lib_dir, "tag", "--query", "+china", "Watch List", check=True).stdout
    stored = '(stored "Watch List" as watch-list)'
    assert out == f"{_n(len(china))} tagged watch-list {stored} ({len(china)} matched)\n"
    assert _ids(lib_dir, "+watch-list") == china
    query = "+watch-list -is:read"
    out = run_cli(lib_dir, "untag", "--query", query, "watch-list", check=True).stdout
    left = len(china) - 1
    assert out == f"{_n(left)} untagged watch-list ({left} matched)\n"
    assert _ids(lib_dir, "+watch-list") == {short_hash("post")}
    run_cli(lib_dir, "bookmark", "--query", "+watch-list", check=True)
    assert _ids(lib_dir, "is:bookmarked") == {short_hash("post")}
    for _ in range(3):
        run_cli(lib_dir, "undo", check=True)
    assert _reads(lib_dir) == before


def test_bulk_commands_refuse_what_is_not_a_selection(lib_dir: Path) -> None:
    for args, says in (
        (["read"], "give entry ids or --query"),
        (["read", short_hash("post"), "--query", "x"], "not both"),
        (["tag", "--query", " ", "t"], "--query needs a filter"),
        (["tag", short_hash("post")], "an ID and at least one TAG"),
        (["read", "--query", "+china @bad-date"], "bad date"),
    ):
        proc = run_cli(lib_dir, *args)
        assert proc.returncode != 0 and "Traceback" not in proc.stderr, args
        assert says in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert not Library.open(lib_dir).undo_steps()[1:]  # only the fixture's own step


def test_brief_json_md_and_the_visit(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    run_cli(d, "ingest", str(OWN / "weekly-roundup-2025-06-02.md"), check=True)
    first = json.loads(run_cli(d, "brief", "--json", check=True).stdout)
    assert first["since"] is None  # never visited: everything
    assert len(first["singletons"]) + sum(len(g["entries"]) for g in first["groups"]) == 3
    again = json.loads(run_cli(d, "brief", "--json", "--mark-seen", check=True).stdout)
    assert again["since"] is None  # reading did not advance it; --mark-seen does, after
    seen = json.loads(run_cli(d, "brief", "--json", check=True).stdout)
    assert seen["since"] and not seen["groups"] and not seen["singletons"]
    run_cli(d, "ingest", str(OWN), check=True)  # days later: the rest of the set
    b = json.loads(run_cli(d, "brief", "--json", check=True).stdout)
    assert b["since"] == seen["since"]
    three = [g for g in b["groups"] if len(g["sources"]) == 3]
    assert three, b["groups"]
    g = three[0]
    assert set(g) >= {"id", "label", "sources", "entries", "points"}
    assert all(set(e) >= {"id", "title", "source", "date"} for e in g["entries"])
    assert all(set(p) >= {"text", "entry", "source"} for p in g["points"])
    assert {p["entry"] for p in g["points"]} <= {e["id"] for e in g["entries"]}
    md = run_cli(d, "brief", "--md", check=True).stdout
    assert md.startswith("# What is new, since ")
    assert f"## {g['label']}" in md and "3 shows · 3 entries" in md
    assert any(line.startswith("- ") and "](https://" in line for line in md.splitlines())
    out = tmp_path / "brief.md"
    run_cli(d, "brief", "--md", "-o", str(out), check=True)
    assert out.read_text(encoding="utf-8") == md
    text = run_cli(d, "brief", check=True).stdout
    assert g["label"] in text and "3 shows · 3 entries" in text
    dated = json.loads(run_cli(d, "brief", "--since", "2025-06-09", "--json", check=True).stdout)
    dates = [e["date"][:10] for x in dated["groups"] for e in x["entries"]]
    dates += [e["date"][:10] for e in dated["singletons"]]
    assert dates and min(dates) >= "2025-06-09"
