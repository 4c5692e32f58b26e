"""`digest-tui keep / unkeep / kept` and `export --kept`: each effect seen by another command."""

from __future__ import annotations

import json
from pathlib import Path

from store.models import short_hash
from tests.support.cli import run_cli, run_cli_in_process
from tests.support.library import sample_entries
from tests.support.shared import SHARED

DEEPSEEK = short_hash("deepseek")
POINTS = next(e for e in sample_entries() if e.id == DEEPSEEK).key_points


def kept_json(lib_dir: Path, *query: str) -> list[dict[str, object]]:
    """What ``kept --json`` reads back, in-process (the commands under test run as children)."""
    proc = run_cli_in_process(lib_dir, "kept", "--json", *query)
    assert proc.returncode == 0, proc.stderr
    out: list[dict[str, object]] = json.loads(proc.stdout)
    return out


def test_keep_by_number_and_prefix_then_list_note_and_unkeep(lib_dir: Path) -> None:
    listed = run_cli(lib_dir, "keep", DEEPSEEK[:6], check=True).stdout.splitlines()
    assert listed[1] == f"    2  {POINTS[1]}"  # the numbers `keep ID N` takes
    out = run_cli(lib_dir, "keep", DEEPSEEK[:6], "2", "--note", "check it", check=True).stdout
    assert out == f"{DEEPSEEK[:8]}: kept: {POINTS[1]}\n"
    run_cli(lib_dir, "keep", DEEPSEEK, "china IS", check=True)  # a prefix, any case
    got = kept_json(lib_dir)
    assert [(k["entry"], k["text"], k["note"]) for k in got] == [
        (DEEPSEEK, POINTS[3], ""),
        (DEEPSEEK, POINTS[1], "check it"),
    ]
    assert set(got[0]) >= {"entry", "title", "source", "date", "text", "note", "kept_at", "group"}
    assert got[0]["source"] == "All-In Podcast" and got[0]["date"] == "2025-02-03"
    assert run_cli(lib_dir, "keep", DEEPSEEK, "--json").stdout.count('"kept": true') == 2
    out = run_cli(lib_dir, "keep", DEEPSEEK, "2", "--note", "checked", check=True).stdout
    assert "already kept, note saved" in out
    assert kept_json(lib_dir, "checked")[0]["note"] == "checked"
    out = run_cli(lib_dir, "unkeep", DEEPSEEK, "2", "--json", check=True).stdout
    assert json.loads(out)["was_kept"] is True
    assert [k["text"] for k in kept_json(lib_dir)] == [POINTS[3]]
    plain = run_cli(lib_dir, "kept", check=True).stdout
    assert POINTS[3] in plain and "All-In Podcast" in plain


def test_mistakes_are_one_line_and_exit_2(lib_dir: Path) -> None:
    proc = run_cli(lib_dir, "keep", DEEPSEEK, "99")
    assert proc.returncode == 2 and "no point 99" in proc.stderr
    proc = run_cli(lib_dir, "keep", DEEPSEEK, "zzz-nothing")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    proc = run_cli(lib_dir, "export", "--format", "opml", "--kept")
    assert proc.returncode == 2 and "--kept" in proc.stderr
    assert kept_json(lib_dir) == []


def test_md_brief_and_export_kept_are_the_same_page(lib_dir: Path, tmp_path: Path) -> None:
    run_cli(lib_dir, "keep", DEEPSEEK, "1", "--note", "the headline", check=True)
    md = run_cli(lib_dir, "kept", "--md", check=True).stdout
    assert md.startswith("# Kept points\n")
    assert f"- {POINTS[0]}\n  - Note: the headline\n" in md
    assert f"`digest-tui show {DEEPSEEK[:8]}`" in md and "All-In Podcast · 2025-02-03" in md
    assert "\n## " in md  # grouped under its story or tag
    assert run_cli(lib_dir, "export", "--format", "md", "--kept", check=True).stdout == md
    run_cli(lib_dir, "export", "--format", "md", "--kept", "-o", str(tmp_path / "k.md"), check=True)
    assert (tmp_path / "k.md").read_text() == md
    exported = json.loads(run_cli(lib_dir, "export", "--kept", check=True).stdout)
    assert exported == kept_json(lib_dir)


def test_a_kept_point_survives_reingest_of_a_changed_file(tmp_path: Path) -> None:
    src = tmp_path / "in" / "digest.txt"
    src.parent.mkdir()
    text = (SHARED / "seeds" / "002_56be99a494d8df3b.txt").read_text(encoding="utf-8")
    src.write_text(text, encoding="utf-8")
    lib = tmp_path / "lib"
    run_cli(lib, "ingest", str(src), check=True)
    eid = json.loads(run_cli(lib, "list", "--json", "show:All-In", check=True).stdout)[0]["id"]
    points = [p["text"] for p in json.loads(run_cli(lib, "keep", eid, "--json").stdout)]
    run_cli(lib, "keep", eid, "2", "--note", "stays", check=True)
    run_cli(lib, "keep", eid, "3", "--note", "goes", check=True)
    # the next version of the file: point 3 rewritten, point 1 reworded, the rest as was
    changed = text.replace(points[2], "A different third point altogether.").replace(
        points[0], points[0].upper()
    )
    assert changed != text
    src.write_text(changed, encoding="utf-8")
    run_cli(lib, "keep", eid, "1", check=True)
    assert "1 updated" in run_cli(lib, "ingest", str(src), check=True).stdout
    got = {k["text"]: k for k in kept_json(lib)}
    assert set(got) == {points[1], points[2], points[0].upper()}
    assert got[points[1]]["note"] == "stays" and not got[points[1]]["orphaned"]
    assert got[points[2]]["note"] == "goes" and got[points[2]]["orphaned"]
    assert not got[points[0].upper()]["orphaned"]
    md = run_cli(lib, "kept", "--md", check=True).stdout
    assert points[1] in md and points[2] in md and "(no longer in the entry)" in md
