"""``python -m bench --topics-scale [N ...]``: related entries and stories on a large library.

The generated library (``bench/data.py``) is pathological for topics on
purpose: every entry's text is drawn from the same ~60 words, so every entry
shares most of its terms with every other. Whatever the text, the work per
entry must stay bounded (``store.index.related.content_candidates``), and
these figures show it:

* the one-time derivation: content signatures (``simstore.catch_up``) and
  story placement (``stories.ensure(full=True)``), wall and CPU seconds;
* ``stories`` listed in a fresh process with the derivation done
  (``api.stories``, and the whole ``digest-tui stories`` command);
* opening an entry with the derived data present: related entries,
  ``story_of`` and ``point_links`` for one entry (target < 20 ms), and the
  whole ``api.open_entry`` (content load and the read mark included);
* the largest candidate set one entry's search walked (the structural bound).

Each size runs on a copy of the cached bench library (content hard-linked,
everything the run writes copied), so the cache stays as built.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bench import ours
from bench.report import Result, Target

OPEN_TARGET_MS = 20.0
STORIES_TARGET_S = 1.0
SAMPLE = 40

_CHILD = r"""
import json, statistics, sys, time
from pathlib import Path
from store import api
from store.index import related, simstore, stories
from store.storage.library import Library

d, phase, sample = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
out = {}
if phase == "derive":
    lib = Library.open(d)
    t, c = time.perf_counter(), time.process_time()
    simstore.catch_up(lib, None)
    out["signatures"] = (time.perf_counter() - t, time.process_time() - c)
    t, c = time.perf_counter(), time.process_time()
    st = stories.ensure(lib, full=True)
    out["placement"] = (time.perf_counter() - t, time.process_time() - c)
    sizes = [len(s["e"]) for s in st.data["stories"].values()]
    out["stories"] = len(sizes)
    out["largest"] = max(sizes, default=0)
else:
    lib = Library.open(d)
    t = time.perf_counter()
    out["listed"] = len(api.stories(lib))
    out["list_s"] = time.perf_counter() - t
    t = time.perf_counter()
    ix = simstore.index(lib)
    out["index_load_s"] = time.perf_counter() - t
    rows = lib.rows()
    ids = [r.id for r in rows[:: max(1, len(rows) // sample)]][:sample]
    derived, opened, biggest = [], [], 0
    api.open_entry(lib, rows[1].id)  # as the UI's warm-up does: tag postings, IDFs
    for eid in ids:
        t = time.perf_counter()
        story = api.story_of(lib, eid, complete=False)
        api.related(lib, eid, complete=False)
        api.point_links(lib, eid, story)
        derived.append(time.perf_counter() - t)
        dn = ix.doc[eid]
        mine = related._weights(ix, dn, ix.idf)
        biggest = max(biggest, len(related.content_candidates(ix, mine, ix.idf)))
    for eid in ids:
        t = time.perf_counter()
        api.open_entry(lib, eid)
        opened.append(time.perf_counter() - t)
    out["derived_ms"] = [x * 1000 for x in derived]
    out["open_ms"] = [x * 1000 for x in opened]
    out["candidates"] = biggest
    out["cap"] = related.MAX_POSTINGS
print(json.dumps(out))
"""


def _copy(src: Path, dst: Path) -> None:
    """The library at ``src`` as ``dst``: content and word index linked, the rest copied."""
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    for p in src.iterdir():
        if p.is_dir() and p.name in ("content", "words"):
            shutil.copytree(p, dst / p.name, copy_function=os.link)
        elif p.is_dir():
            shutil.copytree(p, dst / p.name)
        else:
            shutil.copy2(p, dst / p.name)


def _child(d: Path, phase: str) -> dict[str, object]:
    r = subprocess.run(
        [sys.executable, "-c", _CHILD, str(d), phase, str(SAMPLE)],
        capture_output=True,
        text=True,
        env={**os.environ, **ours.env()},
        cwd=str(ours.REPO),
        check=False,
    )
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip()[-600:])
    got: dict[str, object] = json.loads(r.stdout.strip().splitlines()[-1])
    return got


def bench_topics_scale(a: argparse.Namespace, sizes: list[int], library_for) -> list[Result]:  # noqa: ANN001
    """The rows of the table for each size (see the module doc)."""
    out: list[Result] = []
    for n in sizes:
        label = f"{n // 1000}k" if n >= 1000 else str(n)
        d = a.work_dir / f"topics-scale-{n}"
        _copy(library_for(a, n), d)
        derive = Result(f"topics: one-time derivation, {label} entries", "s")
        listing = Result(
            f"topics: `stories` listed, {label} entries",
            "s",
            target=Target("max", STORIES_TARGET_S),
        )
        command = Result(f"topics: `digest-tui stories` command, {label} entries", "s")
        opening = Result(
            f"topics: related + story + points of one entry, {label} entries",
            "ms",
            target=Target("max", OPEN_TARGET_MS),
        )
        whole = Result(f"topics: `api.open_entry`, {label} entries", "ms")
        out += [derive, listing, command, opening, whole]
        try:
            got = _child(d, "derive")
            sig, place = got["signatures"], got["placement"]
            assert isinstance(sig, list) and isinstance(place, list)
            derive.ours = [sig[0] + place[0]]
            derive.notes.append(
                f"signatures {sig[0]:.0f} s ({sig[1]:.0f} CPU-s), story placement "
                f"{place[0]:.0f} s ({place[1]:.0f} CPU-s); {got['stories']} stories, "
                f"the largest of {got['largest']} entries"
            )
            got = _child(d, "read")
            listing.ours = [float(got["list_s"])]  # type: ignore[arg-type]
            listing.notes.append(
                f"{got['listed']} stories, in a fresh process; the signature index "
                f"then loads in {float(got['index_load_s']):.2f} s (once per process)"  # type: ignore[arg-type]
            )
            opening.ours = list(got["derived_ms"])  # type: ignore[call-overload]
            opening.notes.append(
                f"median of {SAMPLE} entries; the largest candidate set one entry's search "
                f"walked: {got['candidates']} (bound {got['cap']})"
            )
            whole.ours = list(got["open_ms"])  # type: ignore[call-overload]
            whole.notes.append("content load (one shard) and the read mark included")
            dt, r = ours.run_cli(["--data-dir", str(d), "stories"], timeout=600)
            if r.returncode == 0:
                command.ours = [dt]
                command.notes.append("process start, imports and printing included")
            else:
                command.notes.append(f"failed: {r.stderr.strip()[-200:]}")
        except Exception as exc:  # a failing figure is a note, not a crash
            derive.notes.append(f"failed: {str(exc)[:300]}")
        finally:
            shutil.rmtree(d, ignore_errors=True)
    return out
