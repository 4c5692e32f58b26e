"""The refresh / feeds / import-opml commands, run as a user's shell would."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from store.storage.library import Library
from store.sync.ingest import ingest_paths
from tests.support.cli import assert_sigint_reaches, cli_env, run_cli, sigint_default
from tests.support.feedserver import FeedServer, Response, conditional, hang, rss
from tests.support.shared import SHARED

FEEDS = SHARED / "corpus" / "feeds"


def _yaml(tmp_path: Path, *urls: str, timeout: float = 1) -> Path:
    p = tmp_path / "feeds.yaml"
    lines = ["# test config", "feeds:"]
    for i, u in enumerate(urls):
        lines += [f"  - url: {u}", f"    name: Feed{i}"]
    lines += ["refresh:", f"  timeout: {timeout}"]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_refresh_plain_output_and_feeds(tmp_path: Path) -> None:
    with FeedServer({"/ok": conditional(rss(3)), "/hang": hang}) as srv:
        cfg = _yaml(tmp_path, srv.url("/ok"), srv.url("/hang"), srv.url("/missing"))
        data = tmp_path / "data"
        p = run_cli(data, "--config", str(cfg), "refresh")
        assert p.returncode == 0, p.stderr
        lines = p.stdout.strip().splitlines()
        assert len(lines) == 4  # one per feed, then the summary
        assert lines[-1] == "refresh: 1 feed(s) ok, 2 failed, 3 new entries"
        assert any(ln.startswith("failed Feed1: timed out") for ln in lines)
        assert any("HTTP 404" in ln for ln in lines)
        p = run_cli(data, "--config", str(cfg), "refresh", "--json", "Feed0")
        out = json.loads(p.stdout)
        assert out["feeds"][0]["status"] == "not-modified"
        assert out["entries_new"] == 0
        p = run_cli(data, "--config", str(cfg), "feeds", "--json")
        st = {s["name"]: s for s in json.loads(p.stdout)}
        assert st["Feed0"]["entry_count"] == 3 and st["Feed0"]["last_error"] is None
        assert "404" in st["Feed2"]["last_error"]
        p = run_cli(data, "--config", str(cfg), "feeds")
        assert p.returncode == 0 and "Feed1" in p.stdout and "error:" in p.stdout


def test_refresh_all_failing_exits_1(tmp_path: Path) -> None:
    with FeedServer({}) as srv:
        cfg = _yaml(tmp_path, srv.url("/gone"))
        p = run_cli(tmp_path / "data", "--config", str(cfg), "refresh")
    assert p.returncode == 1
    assert "Traceback" not in p.stderr


def test_bad_config_is_one_line(tmp_path: Path) -> None:
    cfg = tmp_path / "feeds.yaml"
    cfg.write_text("feeds:\n  - url: gopher://x\n", encoding="utf-8")
    p = run_cli(tmp_path / "data", "--config", str(cfg), "refresh")
    assert p.returncode == 1
    assert p.stderr.strip().count("\n") == 0
    assert f"{cfg}:2: key 'url'" in p.stderr


def test_import_opml_command(tmp_path: Path) -> None:
    cfg = _yaml(tmp_path, "https://a.example/feed")
    opml = tmp_path / "s.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="B" xmlUrl="https://b.example/rss"/>'
        "</body></opml>",
        encoding="utf-8",
    )
    p = run_cli(tmp_path / "data", "--config", str(cfg), "import-opml", str(opml))
    assert p.returncode == 0, p.stderr
    assert "1 feed(s) added, 0 already present" in p.stdout
    assert "# test config" in cfg.read_text("utf-8")
    p = run_cli(tmp_path / "data", "--config", str(cfg), "export", "--format", "opml")
    assert "https://b.example/rss" in p.stdout


def test_ingest_of_local_feed_file_uses_the_feed_path(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    rep = ingest_paths(lib, [str(FEEDS / "miniflux/rdf_UTF8.xml")])
    assert rep.entries_new == 60
    assert {r.source_kind for r in lib.rows()} == {"feed"}
    assert ingest_paths(lib, [str(FEEDS / "miniflux/rdf_UTF8.xml")]).entries_new == 0


def test_refresh_ingests_config_paths(tmp_path: Path) -> None:
    from store.config import Config
    from store.sync.feeds import refresh

    lib = Library.open(tmp_path / "lib")
    rep = refresh(lib, Config(paths=(FEEDS / "newsboat" / "rss.xml",), path=tmp_path / "f.yaml"))
    assert rep.ingest is not None and rep.ingest.entries_new == 8
    assert rep.entries_new == 8


def test_refresh_command_parses_large_feeds_in_forked_workers(tmp_path: Path) -> None:
    """Above PARALLEL_MIN_BYTES the single-threaded CLI forks its parse workers;
    what they return (entries, stored JSON, tagging prepare) must land whole."""
    from bench import data as bench_data

    docs = bench_data.feed_documents(3, 4, 120)  # ~1.7 MB in all
    routes = {
        path: (200, {"Content-Type": "application/rss+xml"}, body) for path, body in docs.items()
    }
    routes["/guardian"] = (200, {}, (FEEDS / "rss-parser/guardian.rss").read_bytes())
    with FeedServer(routes) as srv:
        cfg = _yaml(tmp_path, *(srv.url(p) for p in routes), timeout=10)
        data = tmp_path / "data"
        p = run_cli(data, "--config", str(cfg), "refresh", "--json")
        assert p.returncode == 0, p.stderr
        out = json.loads(p.stdout)
        assert out["entries_new"] == 4 * 120 + 55
    p = run_cli(data, "list", "--json", "--limit", "1000")
    rows = json.loads(p.stdout)
    assert len(rows) == 4 * 120 + 55
    p = run_cli(data, "show", rows[0]["id"], "--json")
    shown = json.loads(p.stdout)
    assert shown["key_points"] and shown["sections"]  # the structure came back from a worker
    word = rows[0]["title"].split()[-1]  # the word index was fed from worker-made keys
    p = run_cli(data, "list", "--json", "--limit", "1000", word)
    assert rows[0]["id"] in {r["id"] for r in json.loads(p.stdout)}


@contextlib.contextmanager
def _gated_feeds(tmp_path: Path) -> Iterator[tuple[FeedServer, Path, threading.Event]]:
    """(server, config, gate): Feed0 answers only once ``gate`` is set, Feed1 (3
    items) and Feed2 (4 items) at once. The gate opens when the block ends."""
    gate = threading.Event()

    def slow(_req: object) -> tuple[int, dict[str, str], str]:
        gate.wait(60)
        return 200, {"Content-Type": "application/rss+xml"}, rss(2, prefix="slow")

    routes: dict[str, Response] = {
        "/a": (200, {}, rss(3, prefix="a")),
        "/b": (200, {}, rss(4, prefix="b")),
    }
    with FeedServer({**routes, "/slow": slow}) as srv:
        cfg = _yaml(tmp_path, srv.url("/slow"), srv.url("/a"), srv.url("/b"), timeout=90)
        try:
            yield srv, cfg, gate
        finally:
            gate.set()


def _start_refresh(data: Path, cfg: Path, **popen: object) -> subprocess.Popen[str]:
    """``digest-tui refresh`` in a child process, its output unbuffered and piped."""
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "tui.cli", "--data-dir", str(data), "--config", str(cfg), "refresh"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=cli_env(PYTHONUNBUFFERED="1"),
        **popen,
    )


def test_refresh_command_parses_each_feed_while_others_download(tmp_path: Path) -> None:
    """The CLI parses and stores a feed as soon as it arrives: a slow feed does not
    hold up the others. The slow feed answers only once the fast feeds' results
    were printed; if they waited for it, the guard timer opens it and the test fails.
    """
    guard_fired = threading.Event()
    with _gated_feeds(tmp_path) as (_srv, cfg, gate):

        def guard() -> None:
            if not gate.wait(45):
                guard_fired.set()
                gate.set()

        proc = _start_refresh(tmp_path / "d", cfg)
        threading.Thread(target=guard, daemon=True).start()
        lines: list[str] = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            done = {ln.split(":")[0] for ln in lines if ln.startswith("ok ")}
            if {"ok Feed1", "ok Feed2"} <= done:
                gate.set()
        proc.wait(timeout=120)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert not guard_fired.is_set(), f"fast feeds were held up by the slow one: {lines}"
    assert lines[:2] == ["ok Feed1: 3 new (3 entries)", "ok Feed2: 4 new (4 entries)"] or lines[
        :2
    ] == ["ok Feed2: 4 new (4 entries)", "ok Feed1: 3 new (3 entries)"]
    assert lines[2] == "ok Feed0: 2 new (2 entries)"
    assert lines[-1] == "refresh: 3 feed(s) ok, 0 failed, 9 new entries"


def test_ctrl_c_during_a_refresh_is_one_line_and_loses_nothing(tmp_path: Path) -> None:
    """Ctrl-C reaches the whole process group (the parse workers too): one line on
    stderr, no traceback from any process, and the library opens afterwards."""
    with _gated_feeds(tmp_path) as (_srv, cfg, gate):
        # its own process group, as a shell job has
        proc = _start_refresh(
            tmp_path / "d", cfg, start_new_session=True, preexec_fn=sigint_default
        )
        assert proc.stdout is not None and proc.stderr is not None
        assert_sigint_reaches(proc.pid)
        seen = 0
        for line in proc.stdout:
            seen += line.startswith("ok ")
            if seen == 2:  # both fast feeds merged: the workers are up, Feed0 downloading
                break
        os.killpg(proc.pid, signal.SIGINT)
        gate.set()
        proc.wait(timeout=120)
        err = proc.stderr.read()
    assert proc.returncode != 0
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert err.strip().splitlines() == ["digest-tui: interrupted"]
    p = run_cli(tmp_path / "d", "list", "--json")
    assert p.returncode == 0, p.stderr


def test_refresh_of_known_feeds_starts_no_worker_up_front(tmp_path: Path) -> None:
    """Workers are forked before downloading only for feeds never stored: a
    refresh of known feeds (mostly 304s and unchanged bodies) must not pay for
    them. Checked while a slow feed holds the second refresh in its downloads."""
    with _gated_feeds(tmp_path) as (srv, cfg, gate):
        data = tmp_path / "d"
        gate.set()  # the first refresh goes straight through
        assert run_cli(data, "--config", str(cfg), "refresh").returncode == 0
        gate.clear()
        asked = len([r for r in srv.requests if r.path == "/slow"])
        proc = _start_refresh(data, cfg)
        try:
            for _ in range(3000):  # until the slow feed's request is in
                if len([r for r in srv.requests if r.path == "/slow"]) > asked:
                    break
                time.sleep(0.01)
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        finally:
            gate.set()
            out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert children == []
    assert out.strip().splitlines()[-1] == "refresh: 3 feed(s) ok, 0 failed, 0 new entries"
