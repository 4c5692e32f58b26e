"""A daily refresh forks its parse workers before downloading, so each feed is
parsed as it arrives; a refresh of small or unchanged feeds still does not.

``_Refresh.fork_early`` decides from the feed states: feeds never stored, or
feeds whose last fetch brought a body to parse and whose bodies came to
``PARALLEL_MIN_BYTES`` or more then (the ``bytes`` a state keeps; a state
written by the previous release has none, and refreshes lazily as before).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from store.config import Config, FeedConfig, RefreshSettings
from store.storage.library import Library
from store.sync.feeds import _Refresh
from store.sync.pool import PARALLEL_MIN_BYTES
from tests.support.cli import run_cli
from tests.support.feedserver import FeedServer, rss

PAD = "<comments>https://example.org/" + "c" * 1200 + "</comments>"


def _big(items: int, prefix: str) -> str:
    return rss(items, prefix=prefix, extra=PAD)


def _yaml(tmp_path: Path, *urls: str) -> Path:
    p = tmp_path / "feeds.yaml"
    lines = ["feeds:"]
    for i, u in enumerate(urls):
        lines += [f"  - url: {u}", f"    name: Feed{i}"]
    lines += ["refresh:", "  timeout: 90"]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_a_daily_refresh_parses_each_feed_while_a_slow_one_downloads(tmp_path: Path) -> None:
    """Two large feeds with one new item each on top of 250 known, and a slow
    feed: the large feeds' results are printed before the slow feed answers
    (it answers only then; a guard opens it after 45 s and fails the test)."""
    import subprocess
    import sys

    from tests.support.cli import cli_env

    gate = threading.Event()
    slow_items = [2]

    def slow(_req: object) -> tuple[int, dict[str, str], str]:
        gate.wait(60)
        return 200, {"Content-Type": "application/rss+xml"}, rss(slow_items[0], prefix="slow")

    routes: dict[str, Any] = {"/a": (200, {}, _big(250, "a")), "/b": (200, {}, _big(250, "b"))}
    assert 2 * len(_big(250, "a")) >= PARALLEL_MIN_BYTES
    with FeedServer({**routes, "/slow": slow}) as srv:
        cfg = _yaml(tmp_path, srv.url("/slow"), srv.url("/a"), srv.url("/b"))
        data = tmp_path / "d"
        gate.set()
        first = run_cli(data, "--config", str(cfg), "refresh")
        assert first.returncode == 0, first.stderr
        assert first.stdout.strip().splitlines()[-1].endswith("502 new entries")
        gate.clear()
        srv.routes["/a"] = (200, {}, _big(251, "a"))
        srv.routes["/b"] = (200, {}, _big(251, "b"))
        slow_items[0] = 3
        guard_fired = threading.Event()

        def guard() -> None:
            if not gate.wait(45):
                guard_fired.set()
                gate.set()

        proc = subprocess.Popen(
            [sys.executable, "-m", "tui.cli", "--data-dir", str(data), "--config", str(cfg)]
            + ["refresh"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=cli_env(PYTHONUNBUFFERED="1"),
        )
        threading.Thread(target=guard, daemon=True).start()
        lines: list[str] = []
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line.rstrip("\n"))
            if {"ok Feed1", "ok Feed2"} <= {ln.split(":")[0] for ln in lines}:
                gate.set()
        proc.wait(timeout=120)
    assert proc.returncode == 0, proc.stderr.read() if proc.stderr else ""
    assert not guard_fired.is_set(), f"the large feeds waited for the slow one: {lines}"
    assert sorted(lines[:2]) == ["ok Feed1: 1 new (251 entries)", "ok Feed2: 1 new (251 entries)"]
    assert lines[2] == "ok Feed0: 1 new (3 entries)"
    assert lines[-1] == "refresh: 3 feed(s) ok, 0 failed, 3 new entries"
    lib = Library.open(data)
    assert len(lib.rows()) == 505


def _decide(tmp_path: Path, states: list[dict[str, Any]]) -> bool:
    feeds = tuple(FeedConfig(f"http://x.test/{i}", None, ()) for i in range(len(states)))
    cfg = Config(feeds=feeds, refresh=RefreshSettings(), path=tmp_path / "f.yaml")
    olds = {fc.url: st for fc, st in zip(feeds, states, strict=True)}
    run = _Refresh(Library.open(tmp_path / "lib"), cfg, list(feeds), olds, None)
    return run.fork_early()


def test_which_refreshes_fork_early(tmp_path: Path) -> None:
    half = PARALLEL_MIN_BYTES // 2
    new = {"sha256": "s", "status": "new", "bytes": half}
    assert _decide(tmp_path, [{}, {}])  # never stored
    assert _decide(tmp_path, [new, new])  # a daily refresh of large feeds
    assert not _decide(tmp_path, [new, {**new, "bytes": half - 1}])  # small: lazy
    assert not _decide(tmp_path, [new, {**new, "status": "unchanged"}, {}])
    assert not _decide(tmp_path, [{**new, "status": "not-modified"}] * 3)
    # a state the previous release wrote keeps no bytes: lazy, as it was
    old = {"sha256": "s", "status": "new"}
    assert not _decide(tmp_path, [old, old, old])
    assert _decide(tmp_path, [new, new, {"sha256": "s", "status": "error"}])


def test_a_daily_refresh_imports_nothing_in_its_commit(tmp_path: Path) -> None:
    """What the commit needs (tagging, the word index, the write lock's filelock) is
    imported while the workers parse (``warm_for_commit``): the commit runs on one
    core after them, so an import there is wall time (filelock's was ~15 ms)."""
    import json
    import subprocess
    import sys

    from tests.support.cli import cli_env

    code = (
        "import json, sys\n"
        "from store.sync import feeds\n"
        "commit = feeds._Refresh.commit\n"
        "def watched(self):\n"
        "    before = set(sys.modules)\n"
        "    commit(self)\n"
        "    print('NEW ' + json.dumps(sorted(set(sys.modules) - before)))\n"
        "feeds._Refresh.commit = watched\n"
        "from tui.cli import main\n"
        "raise SystemExit(main(sys.argv[1:]))\n"
    )
    routes: dict[str, Any] = {"/a": (200, {}, _big(250, "a")), "/b": (200, {}, _big(250, "b"))}
    with FeedServer(routes) as srv:
        cfg = _yaml(tmp_path, srv.url("/a"), srv.url("/b"))
        data = tmp_path / "d"
        argv = [sys.executable, "-c", code, "--data-dir", str(data), "--config", str(cfg)]
        first = subprocess.run(
            [*argv, "refresh"], capture_output=True, text=True, env=cli_env(), timeout=120
        )
        assert first.returncode == 0, first.stderr
        srv.routes["/a"] = (200, {}, _big(251, "a"))
        srv.routes["/b"] = (200, {}, _big(251, "b"))
        daily = subprocess.run(
            [*argv, "refresh"], capture_output=True, text=True, env=cli_env(), timeout=120
        )
    assert daily.returncode == 0, daily.stderr
    assert daily.stdout.splitlines()[-1] == "refresh: 2 feed(s) ok, 0 failed, 2 new entries"
    (new,) = [ln[4:] for ln in daily.stdout.splitlines() if ln.startswith("NEW ")]
    assert json.loads(new) == []
