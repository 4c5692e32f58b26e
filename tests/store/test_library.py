"""The library core: stable ids, marks that survive everything, atomic writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.errors import LibraryError, NotFound
from store.models import Entry, Source
from store.storage.library import Library
from store.storage.rows import index_stamp, load_cache
from tests.support.cli import REPO, SHARED, cli_env, run_cli
from tests.support.library import numbered_entries as _entries


def test_import_store_does_not_import_textual() -> None:
    code = (
        "import sys, store, store.storage.library, store.sync.ingest, store.models, store.index.select, "
        "store.render, store.sync.firstrun, tui.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'tui.app')]; "
        "sys.exit(1 if 'textual' in sys.modules else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=cli_env(), capture_output=True)
    assert proc.returncode == 0, proc.stderr


def test_save_is_idempotent_and_marks_survive_resave(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    es = _entries(20)
    assert len(lib.save_entries(es).new) == 20
    lib.set_bookmarked([es[3].id])
    lib.add_tags([es[4].id], ["mine"])
    lib.set_read([es[5].id])
    again = lib.save_entries(es)
    assert again.new == [] and len(again.unchanged) == 20
    # changed content under the same id: updated, marks untouched
    changed = [es[3].with_(summary="new summary")]
    assert lib.save_entries(changed).updated == [es[3].id]
    reopened = Library.open(tmp_path / "lib")
    assert reopened.get(es[3].id).summary == "new summary"
    assert reopened.marks(es[3].id).bookmarked
    assert reopened.marks(es[4].id).user_tags == ("mine",)
    assert reopened.marks(es[5].id).read
    assert len(reopened) == 20


def test_rows_newest_first_and_prefix_resolution(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    es = _entries(30)
    lib.save_entries(es)
    dates = [r.date for r in lib.rows()]
    assert dates == sorted(dates, reverse=True)
    eid = es[7].id
    assert lib.resolve(eid[:12]) == eid
    with pytest.raises(NotFound):
        lib.resolve("ffffffff")
    with pytest.raises(NotFound, match="ambiguous"):
        lib.resolve("aaaa")


def test_removed_auto_tag_stays_removed(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    e = _entries(1)[0].with_(auto_tags=("china", "ai"))
    lib.save_entries([e])
    lib.remove_tags([e.id], ["china"])
    lib.save_entries([e])  # re-ingest / re-tag brings the auto tag back in content...
    lib.set_auto_tags({e.id: ("china", "ai", "compute")})
    auto, user = Library.open(tmp_path / "lib").effective_tags(e.id)
    assert "china" not in auto and "compute" in auto  # ...but not to the user
    lib.add_tags([e.id], ["china"])  # adding it back by hand wins
    assert "china" in Library.open(tmp_path / "lib").effective_tags(e.id)[1]


def test_mark_write_never_rewrites_content(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(_entries(50))
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "lib").rglob("*.json")}
    eid = lib.rows()[0].id
    lib.toggle_bookmark(eid)
    lib.add_tags([eid], ["x"])
    lib.set_read([eid])
    after = {p: p.stat().st_mtime_ns for p in (tmp_path / "lib").rglob("*.json")}
    assert before == after


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "future"])
def test_damaged_index_is_refused_and_left_byte_identical(tmp_path: Path, damage: str) -> None:
    d = tmp_path / "lib"
    lib = Library.open(d)
    lib.save_entries(_entries(10))
    idx = d / "library.json"
    raw = idx.read_bytes()
    if damage == "truncate":
        idx.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        idx.write_bytes(b"\x00\xff garbage \x1b[31m")
    elif damage == "empty":
        idx.write_bytes(b"")
    else:
        data = json.loads(raw)
        data["schema"] = 99
        idx.write_text(json.dumps(data))
    damaged = idx.read_bytes()
    with pytest.raises(LibraryError, match="library.json"):
        Library.open(d)
    for args in (["list"], ["bookmark", "aaaa"], ["ingest", str(tmp_path)], ["show", "x"]):
        proc = run_cli(d, *args)
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "library.json" in lines[0], proc.stderr
        assert "Traceback" not in proc.stderr
    assert idx.read_bytes() == damaged


def test_torn_last_mark_line_opens_read_only_until_doctor_repairs(tmp_path: Path) -> None:
    """A cut-short last write (crash, hand edit) was never acknowledged: the
    library opens with every earlier mark and the file is left as it is; a write
    is refused with one line until `doctor --repair` cuts the remnant off."""
    d = tmp_path / "lib"
    lib = Library.open(d)
    es = _entries(5)
    lib.save_entries(es)
    lib.set_bookmarked([e.id for e in es])
    lib.add_tags([es[0].id], ["a", "b"])
    journal = d / "marks.jsonl"
    journal.write_bytes(journal.read_bytes()[:-7])
    torn = journal.read_bytes()
    proc = run_cli(d, "list", "is:bookmarked")
    assert proc.returncode == 0 and len(proc.stdout.splitlines()) == 5
    again = Library.open(d)
    assert all(again.marks(e.id).bookmarked for e in es)
    assert again.marks(es[0].id).user_tags == ()  # the torn write is not applied
    proc = run_cli(d, "tag", es[1].id, "later")
    assert proc.returncode == 1 and "doctor --repair" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert journal.read_bytes() == torn
    assert run_cli(d, "doctor", "--repair").returncode in (0, 1)
    assert run_cli(d, "tag", es[1].id, "later").returncode == 0
    final = Library.open(d)
    assert final.marks(es[1].id).user_tags == ("later",)
    assert all(final.marks(e.id).bookmarked for e in es)


def test_damaged_line_inside_the_journal_is_refused(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    lib = Library.open(d)
    es = _entries(3)
    lib.save_entries(es)
    for e in es:
        lib.set_bookmarked([e.id])
    journal = d / "marks.jsonl"
    lines = journal.read_bytes().split(b"\n")
    lines[1] = b"{garbage"
    journal.write_bytes(b"\n".join(lines))
    damaged = journal.read_bytes()
    proc = run_cli(d, "bookmark", es[1].id)
    assert proc.returncode == 1 and "marks.jsonl" in proc.stderr
    assert journal.read_bytes() == damaged


_BOOKMARKER = """
import sys
from pathlib import Path
from store.storage.library import Library
lib = Library.open(Path(sys.argv[1]))
for eid in sys.argv[2:]:
    lib.set_bookmarked([eid])
    lib.add_tags([eid], ["w" + eid[-1]])
"""


def test_two_processes_bookmarking_at_once_lose_nothing(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    es = _entries(60)
    Library.open(d).save_entries(es)
    ids = [e.id for e in es]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _BOOKMARKER, str(d), *chunk], env=cli_env(), cwd=REPO
        )
        for chunk in (ids[:30], ids[30:])
    ]
    for p in procs:
        assert p.wait(timeout=120) == 0
    lib = Library.open(d)
    assert sum(lib.marks(i).bookmarked for i in ids) == 60
    assert all(lib.marks(i).user_tags for i in ids)


def _write_digests(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"d{i:04d}.md").write_text(
            f"# Test Digest {i} — 2025-03-{1 + i % 28:02d}\n\n"
            f"## Show {i} — Episode number {i}\n\n"
            f"A summary paragraph about topic {i} and open source models.\n\n"
            "### Key Points\n\n- first point\n- second point\n\n"
            "### Details\n\n#### 1. First section\n\n- bullet one\n- bullet two\n",
            encoding="utf-8",
        )


def test_sigkill_during_ingest_keeps_library_and_marks(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    es = _entries(10)
    lib = Library.open(d)
    lib.save_entries(es)
    lib.set_bookmarked([e.id for e in es[:5]])
    lib.add_tags([es[6].id], ["keep"])
    src = tmp_path / "many"
    _write_digests(src, 400)
    for delay in (0.3, 0.8, 1.5):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "--data-dir", str(d), "ingest", str(src)],
            env=cli_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        again = Library.open(d)
        assert all(again.marks(e.id).bookmarked for e in es[:5])
        assert again.marks(es[6].id).user_tags == ("keep",)
        assert len(again) >= 10
        for r in again.rows()[:20]:
            again.get(r.id)  # every listed entry has its content
    # a kill may leave a temp file behind: doctor must name every one of them,
    # and a write that completes must leave none of its own
    from store.storage.checks import diagnose

    left = {str(p) for p in d.rglob("*.tmp")}
    noted = {f.path for f in diagnose(d).findings}
    assert left <= noted, f"leftover temp files doctor does not report: {sorted(left - noted)}"
    lib = Library.open(d)
    lib.save_entries(_entries(12))
    lib.set_read([es[0].id], True)
    assert {str(p) for p in d.rglob("*.tmp")} <= left, "a completed write left a temp file"
    os.sync()


def test_unknown_id_and_missing_file_are_one_line(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    Library.open(d).save_entries(_entries(3))
    for args in (["show", "zzzz"], ["bookmark", "12345"], ["tag", "nope", "x"]):
        proc = run_cli(d, *args)
        assert proc.returncode != 0
        assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    proc = run_cli(d, "ingest", str(tmp_path / "does-not-exist"))
    assert proc.returncode == 2 and "no such file" in proc.stdout + proc.stderr
    proc = run_cli(d, "list", "--limit", "x")
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    proc = run_cli(d, "frobnicate")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_seeds_ingest_five_entries_once_and_from_a_copy(tmp_path: Path) -> None:
    import shutil

    d = tmp_path / "lib"
    seeds = SHARED / "seeds"
    first = json.loads(run_cli(d, "ingest", "--json", str(seeds), check=True).stdout)
    assert first["new"] == 5, first
    assert first["files_read"] == 4
    again = json.loads(run_cli(d, "ingest", "--json", str(seeds), check=True).stdout)
    assert again["new"] == 0
    copy = tmp_path / "elsewhere" / "copied"
    shutil.copytree(seeds, copy)  # new paths, new mtimes: same digests
    for f in copy.iterdir():
        os.utime(f, (time.time() + 86400 * 3, time.time() + 86400 * 3))
    third = json.loads(run_cli(d, "ingest", "--json", str(copy), check=True).stdout)
    assert third["new"] == 0, third


def test_bookmark_and_tag_survive_reingest_and_show_in_export(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    seeds = SHARED / "seeds"
    run_cli(d, "ingest", str(seeds), check=True)
    rows = json.loads(run_cli(d, "list", "--json", check=True).stdout)
    deepseek = next(r for r in rows if "DeepSeek" in r["title"])
    eid = deepseek["id"][:7]
    run_cli(d, "bookmark", eid, check=True)
    run_cli(d, "tag", eid, "must-read", check=True)
    run_cli(d, "ingest", str(seeds), check=True)
    exported = json.loads(run_cli(d, "export", "--format", "json", check=True).stdout)
    mine = next(e for e in exported if e["id"] == deepseek["id"])
    assert mine["bookmarked"] is True
    assert "must-read" in mine["tags"]["user"]
    only = json.loads(run_cli(d, "export", "--format", "json", "--bookmarked", check=True).stdout)
    assert [e["id"] for e in only] == [deepseek["id"]]
    md = run_cli(d, "export", "--format", "md", "--bookmarked", check=True).stdout
    assert "DeepSeek" in md and "### Key Points" in md
    shown = json.loads(run_cli(d, "show", eid, "--json", check=True).stdout)
    for key in (
        "id",
        "source",
        "digest",
        "show",
        "author",
        "title",
        "link",
        "published",
        "summary",
        "key_points",
        "sections",
        "body",
        "replies",
        "enclosure",
        "reading_minutes",
        "tags",
        "bookmarked",
        "read",
    ):
        assert key in shown, key
    assert shown["source"]["kind"] == "file"
    assert shown["digest"]["date"] == "2025-02-03"


def test_feed_states_merge_without_losing_other_feeds(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.save_feed_states({"http://a/": {"etag": "1"}})
    lib.save_feed_states({"http://b/": {"etag": "2"}})
    lib.save_feed_states({"http://a/": {"etag": "3"}})
    states = Library.open(tmp_path / "lib").feed_states()
    assert {u: s["etag"] for u, s in states.items()} == {"http://a/": "3", "http://b/": "2"}


def test_startup_cache_matches_index_and_is_ignored_when_stale_or_damaged(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    lib = Library.open(d)
    lib.save_entries(_entries(40))
    assert (d / "library.cache").exists()
    expected = Library.open(d).rows()
    (d / "library.cache").write_bytes(b"\x00garbage")
    assert Library.open(d).rows() == expected  # damaged cache: read library.json
    stamp = index_stamp(d / "library.json")
    rebuilt = load_cache(d, stamp)  # ... and the next start has its cache again
    assert rebuilt is not None and list(rebuilt.values()) == expected
    (d / "library.cache").unlink()
    assert Library.open(d).rows() == expected and load_cache(d, stamp) == rebuilt
    Library.open(d).save_entries(_entries(3, prefix="f"))  # rewrites both
    stale = (d / "library.cache").read_bytes()
    other = Library.open(d)
    other.save_entries(_entries(2, prefix="e"))
    (d / "library.cache").write_bytes(stale)  # a cache from before the last write
    assert len(Library.open(d)) == len(other)


def test_shards_written_from_pre_encoded_records_are_plain_tinydb_json(tmp_path: Path) -> None:
    """save_entries splices each record's JSON into its shard: the file must be exactly
    what encoding the whole shard would give, and read back to the same entries."""
    from store.storage.atomic import dump_json

    lib = Library.open(tmp_path)
    src = Source("file", "Pod « X »", "/x")
    es = [
        Entry(id=f"{i:02x}aa{i}", source=src, title=f'Title {i} "q" é 🙂', body="b\n" * i)
        for i in range(40)
    ]
    lib.save_entries(es)
    lib.save_entries([es[3].with_(title="Changed"), es[7]])  # an update among kept records
    for shard in (tmp_path / "content").glob("*.json"):
        raw = shard.read_bytes()
        assert dump_json(json.loads(raw)) == raw
    again = Library.open(tmp_path)
    got = {e.id: e for e in again.get_many([e.id for e in es])}
    assert got[es[3].id].title == "Changed"
    assert got[es[5].id] == es[5]
