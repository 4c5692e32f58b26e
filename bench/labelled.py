"""Scoring on a labelled topic set (``../shared/corpus/topics/``), as its README says.

One scorer for the test suite and for ``python -m bench``: the set is ingested
into a library, every labelled entry is found by its title, and the figures of
the README's evaluation rules are computed from what the product says
(``store.api``: tags, ``related``). Written for any folder laid out the same way
(``labels.json`` beside the documents), so a larger hidden set scores the same.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store import api
from store.config import Config
from store.models import Row
from store.storage.library import Library

__all__ = [
    "ClaimScore",
    "Labelled",
    "RelatedScore",
    "StoryScore",
    "TagScore",
    "fold",
    "load",
    "score_claims",
    "score_related",
    "score_stories",
    "score_tags",
]


def sing(w: str) -> str:
    """The README's singulariser (its rule, not ours: the scorer must not share our bugs)."""
    if len(w) <= 3:
        return w
    if w.endswith("ies"):
        return w[:-3] + "y"
    if w.endswith("oes"):
        return w[:-2]
    if w.endswith(("ses", "xes", "ches", "shes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us")):
        return w[:-1]
    return w


def fold(tag: str) -> str:
    """Lowercase, split on non-alphanumerics, singularise each word, join with ``-``."""
    return "-".join(sing(w) for w in re.findall(r"[a-z0-9]+", tag.lower()))


def norm_title(t: str) -> str:
    """Titles compared after normalising quotes, dashes, whitespace and case."""
    t = unicodedata.normalize("NFKC", t)
    t = re.sub(r"[\u2018\u2019\u201a\u201b`´']", "'", t)
    t = re.sub(r"[\u201c\u201d\u201e\"]", '"', t)
    t = re.sub(r"[\u2010-\u2015]", "-", t)
    return re.sub(r"\s+", " ", t).strip().casefold()


@dataclass
class Labelled:
    """A labelled set ingested: labels, the library and label index → entry id."""

    labels: dict[str, Any]
    lib: Library
    ids: dict[int, str]  # index into labels["entries"] → entry id
    missing: list[str] = field(default_factory=list)  # labelled titles not found

    def story_of(self, entry_id: str) -> str | None:
        for i, eid in self.ids.items():
            if eid == entry_id:
                return self.labels["entries"][i].get("story")
        return None

    def entry_id(self, title: str) -> str | None:
        want = norm_title(title)
        for i, e in enumerate(self.labels["entries"]):
            if norm_title(e["title"]) == want:
                return self.ids.get(i)
        return None


def _find(rows: Sequence[Row], title: str) -> str | None:
    want = norm_title(title)
    exact = [r.id for r in rows if norm_title(r.title) == want]
    if exact:
        return exact[0]
    # a title the product kept with its show ("Show - Title") or a longer first sentence
    loose = [r.id for r in rows if want in norm_title(r.title) or norm_title(r.title) in want]
    return loose[0] if len(loose) == 1 else None


def load(folder: Path, library_dir: Path, config: Config | None = None) -> Labelled:
    """Ingest every document of ``folder`` into a new library and match its labels."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    lib = api.open_library(library_dir)
    files = sorted(
        str(p)
        for p in folder.iterdir()
        if p.is_file() and p.name not in ("labels.json", "README.md")
    )
    api.ingest(lib, files, config or Config())
    rows = lib.rows()
    ids: dict[int, str] = {}
    missing: list[str] = []
    for i, e in enumerate(labels["entries"]):
        eid = _find(rows, e["title"])
        if eid is None:
            missing.append(e["title"])
        else:
            ids[i] = eid
    return Labelled(labels, lib, ids, missing)


@dataclass
class TagScore:
    """Must-have tags found / asked, must-not tags given, tag counts per entry."""

    must_found: int = 0
    must_total: int = 0
    must_not_given: list[tuple[str, str]] = field(default_factory=list)  # (title, tag)
    must_missed: list[tuple[str, str]] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.must_found / self.must_total if self.must_total else 1.0


def _satisfies(tag: str, must: str) -> bool:
    t, m = fold(tag), fold(must)
    return t == m or f"-{m}-" in f"-{t}-"


def score_tags(s: Labelled) -> TagScore:
    """README rule 5 on the automatic tags the product gave each labelled entry."""
    out = TagScore()
    for i, e in enumerate(s.labels["entries"]):
        eid = s.ids.get(i)
        tags = list(s.lib.row(eid).auto_tags) if eid else []
        out.counts.append(len(tags))
        for m in e.get("must_tags", []):
            out.must_total += 1
            if any(_satisfies(t, m) for t in tags):
                out.must_found += 1
            else:
                out.must_missed.append((e["title"], m))
        folded = {fold(t) for t in tags}
        for m in e.get("must_not_tags", []):
            if fold(m) in folded:
                out.must_not_given.append((e["title"], m))
    return out


@dataclass
class RelatedScore:
    """README rules 1–3: same-story pairs in top 3, distractors in top 5, near pairs in top 2."""

    pairs_ok: int = 0
    pairs_total: int = 0
    pair_misses: list[tuple[str, str]] = field(default_factory=list)
    distractor_hits: list[tuple[str, str]] = field(default_factory=list)
    near_hits: list[tuple[str, str]] = field(default_factory=list)

    @property
    def pair_recall(self) -> float:
        return self.pairs_ok / self.pairs_total if self.pairs_total else 1.0


def score_related(s: Labelled) -> RelatedScore:
    out = RelatedScore()
    entries = s.labels["entries"]
    related = {
        eid: [r.id for r in api.related(s.lib, eid, limit=10) if r.id != eid]
        for eid in s.ids.values()
    }
    story = {s.ids[i]: e.get("story") for i, e in enumerate(entries) if i in s.ids}
    title = {s.ids[i]: e["title"] for i, e in enumerate(entries) if i in s.ids}
    near = {tuple(p) for p in s.labels.get("near_but_different", [])}
    near |= {(b, a) for a, b in near}
    for a, sa in story.items():
        if sa is None:
            continue
        for b, sb in story.items():
            if b == a:
                continue
            if sb == sa:
                out.pairs_total += 1
                if b in related[a][:3]:
                    out.pairs_ok += 1
                else:
                    out.pair_misses.append((title[a], title[b]))
            elif sb is None and b in related[a][:5]:
                out.distractor_hits.append((title[a], title[b]))
            elif (sa, sb) in near and b in related[a][:2]:
                out.near_hits.append((title[a], title[b]))
    return out


@dataclass
class StoryScore:
    """Stories: same-story pairs put in one story, and pairs of different stories that were."""

    pairs_together: int = 0
    pairs_total: int = 0
    mixed: list[tuple[str, str]] = field(default_factory=list)  # different stories, one story
    near_mixed: list[tuple[str, str]] = field(default_factory=list)  # near-but-different, one story
    distractors_in: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.pairs_together / self.pairs_total if self.pairs_total else 1.0


def score_stories(s: Labelled) -> StoryScore:
    """Which labelled entries the product put in one story (``store.api.stories``)."""
    out = StoryScore()
    story_of: dict[str, str] = {}
    for st in api.stories(s.lib):
        for e in st.entries:
            story_of[e.id] = st.id
    entries = s.labels["entries"]
    label = {s.ids[i]: e.get("story") for i, e in enumerate(entries) if i in s.ids}
    title = {s.ids[i]: e["title"] for i, e in enumerate(entries) if i in s.ids}
    near = {tuple(p) for p in s.labels.get("near_but_different", [])}
    near |= {(b, a) for a, b in near}
    ids = sorted(label)
    for a in ids:
        if label[a] is None and a in story_of:
            out.distractors_in.append(title[a])
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            together = a in story_of and story_of.get(a) == story_of.get(b)
            if label[a] is not None and label[a] == label[b]:
                out.pairs_total += 1
                out.pairs_together += together
            elif together:
                out.mixed.append((title[a], title[b]))
                if (label[a], label[b]) in near:
                    out.near_mixed.append((title[a], title[b]))
    return out


@dataclass
class ClaimScore:
    """README rule 4: same-claim points grouped; no group mixing claims or stories."""

    claims_linked: int = 0
    claims_total: int = 0
    points_linked: int = 0
    points_total: int = 0
    missed: list[str] = field(default_factory=list)
    false_links: list[tuple[str, str]] = field(default_factory=list)  # (point, point)

    @property
    def recall(self) -> float:
        return self.points_linked / self.points_total if self.points_total else 1.0


def _norm_text(t: str) -> str:
    return norm_title(t)


def score_claims(s: Labelled) -> ClaimScore:
    """Each labelled point found by (entry, substring); groups read from ``store.api.stories``."""
    out = ClaimScore()
    groups: list[set[tuple[str, int]]] = []
    for st in api.stories(s.lib):
        for p in st.points:
            groups.append({(eid, i) for eid, i, _t in p.at})
    where: dict[tuple[str, int], int] = {}
    for gi, members in enumerate(groups):
        for m in members:
            where[m] = gi
    claim_of: dict[tuple[str, int], tuple[str, str]] = {}
    for c in s.labels.get("same_claims", []):
        refs: list[tuple[str, int]] = []
        for p in c["points"]:
            eid = s.entry_id(p["title"])
            if eid is None:
                continue
            kps = s.lib.get(eid).key_points
            want = _norm_text(p["contains"])
            hit = [i for i, k in enumerate(kps) if want in _norm_text(k)]
            if hit:
                refs.append((eid, hit[0]))
                claim_of[(eid, hit[0])] = (c["story"], c["claim"])
        out.claims_total += 1
        out.points_total += len(c["points"])
        gs = {where.get(r) for r in refs}
        if len(refs) == len(c["points"]) and len(gs) == 1 and None not in gs:
            out.claims_linked += 1
            out.points_linked += len(refs)
        else:
            # points linked to at least one other point of the same claim count
            for r in refs:
                g = where.get(r)
                if g is not None and any(o != r and where.get(o) == g for o in refs):
                    out.points_linked += 1
            out.missed.append(c["claim"])
    for members in groups:
        labelled = sorted({claim_of[m] for m in members if m in claim_of})
        for x, a in enumerate(labelled):
            for b in labelled[x + 1 :]:
                out.false_links.append((a[1], b[1]))
        story = {s.story_of(eid) for eid, _i in members}
        if len(story) > 1:
            out.false_links.append(("different stories", ", ".join(sorted(map(str, story)))))
    return out
