"""``python -m bench --topics``: precision and recall of topic linking on labelled sets.

Ingests each labelled folder (``labels.json`` beside its documents, laid out
as ``../shared/corpus/topics/`` is) into a fresh library and prints the
figures of its README's evaluation rules, from what the product says
(``store.api``): related lists (rules 1-3), stories, linked points (rule 4)
and tags (rule 5). The default folders are the shared development set and
this repository's own sets (``tests/data/topics-own/``, ``tests/data/topics-own2/``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench import labelled

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SETS = (
    REPO.parent / "shared" / "corpus" / "topics",
    REPO / "tests" / "data" / "topics-own",
    REPO / "tests" / "data" / "topics-own2",
)


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f} %)" if b else "n/a"


def report(folder: Path) -> list[str]:
    """The lines of one labelled set's scores."""
    with tempfile.TemporaryDirectory() as tmp:
        s = labelled.load(folder, Path(tmp) / "lib")
        rel = labelled.score_related(s)
        st = labelled.score_stories(s)
        cl = labelled.score_claims(s)
        tg = labelled.score_tags(s)
        n_story_entries = sum(1 for e in s.labels["entries"] if e.get("story"))
        counts = sorted(tg.counts)
        median = counts[len(counts) // 2] if counts else 0
        lines = [
            f"# {folder}",
            f"entries found: {len(s.ids)}/{len(s.labels['entries'])}"
            + (f" (missing: {'; '.join(s.missing)})" if s.missing else ""),
            f"rule 1 same-story pairs in top 3 (recall): {_pct(rel.pairs_ok, rel.pairs_total)}",
            f"rule 2 distractors in a story entry's top 5: {len(rel.distractor_hits)}",
            f"rule 3 near-but-different in top 2: {len(rel.near_hits)}",
            f"stories: same-story pairs in one story (recall): "
            f"{_pct(st.pairs_together, st.pairs_total)}; "
            f"pairs of different stories in one story: {len(st.mixed)} "
            f"(near-but-different: {len(st.near_mixed)}); distractors in a story: "
            f"{len(st.distractors_in)} of {len(s.labels['entries']) - n_story_entries}",
            f"rule 4 same-claim points linked (recall): {_pct(cl.points_linked, cl.points_total)}; "
            f"claims fully grouped: {_pct(cl.claims_linked, cl.claims_total)}; "
            f"false links: {len(cl.false_links)}",
            f"rule 5 must-have tags: {_pct(tg.must_found, tg.must_total)}; "
            f"must-not tags given: {len(tg.must_not_given)}; tags per entry median {median}, "
            f"max {counts[-1] if counts else 0}",
        ]
        pair_precision = _precision(s)
        lines.append(
            f"related precision (top 3 of story entries in the same story): {pair_precision}"
        )
        for a, b in rel.pair_misses:
            lines.append(f"  miss: {a[:50]} -> {b[:50]}")
        for a, b in rel.distractor_hits + rel.near_hits:
            lines.append(f"  wrong: {a[:50]} -> {b[:50]}")
        for a, b in st.mixed:
            lines.append(f"  mixed story: {a[:50]} + {b[:50]}")
        for c in cl.missed:
            lines.append(f"  claim not fully grouped: {c}")
        for a, b in cl.false_links:
            lines.append(f"  false link: {a} / {b}")
        s.lib.caches.clear()
        return lines


def _precision(s: labelled.Labelled) -> str:
    from store import api

    good = total = 0
    for eid in s.ids.values():
        story = s.story_of(eid)
        if story is None:
            continue
        for r in api.related(s.lib, eid, limit=3):
            total += 1
            good += s.story_of(r.id) == story
    return _pct(good, total)


def main(folders: Sequence[Path] = DEFAULT_SETS) -> int:
    for f in folders:
        if not (f / "labels.json").is_file():
            print(f"# {f}: no labels.json, skipped")
            continue
        print("\n".join(report(f)))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
