"""Rules 1-4 of the labelled topic sets' README, on the shared set and on our own.

The shared development set is ``../shared/corpus/topics/`` (skipped where it
is absent); ``tests/data/topics-own/`` is this repository's own set, laid out
the same way, with two near-but-different strikes and distractors full of
the same broad words. The scoring is ``bench.labelled`` (the bench prints it
too: ``python -m bench --topics``).
"""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench import labelled
from tests.support.seeds import SHARED

OWN = Path(__file__).resolve().parents[1] / "data" / "topics-own"
OWN2 = Path(__file__).resolve().parents[1] / "data" / "topics-own2"
SETS = [
    pytest.param(
        SHARED / "corpus" / "topics",
        id="shared",
        marks=pytest.mark.skipif(
            not (SHARED / "corpus" / "topics" / "labels.json").is_file(),
            reason="shared labelled set not present",
        ),
    ),
    pytest.param(OWN, id="own"),
    pytest.param(OWN2, id="own2"),
]


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


# each set's README: the post's relative date resolves against this file time
POST_MTIME = {
    "topics": datetime(2025, 4, 13, 12, 0, tzinfo=UTC).timestamp(),
    "topics-own2": datetime(2025, 9, 13, 12, 0, tzinfo=UTC).timestamp(),
}


def _load(source: Path, tmp_path: Path, mtime: float | None) -> labelled.Labelled:
    # read in place, except that file times must be what the README says: a copy
    # in tmp_path (never in the repository) carries them (None: the time of the copy)
    folder = tmp_path / "set"
    shutil.copytree(source, folder)
    for p in folder.iterdir():
        os.utime(p, None if mtime is None else (mtime, mtime))
    s = labelled.load(folder, tmp_path / "lib")
    assert not s.missing, s.missing
    return s


@pytest.fixture(params=SETS)
def labelled_set(request: pytest.FixtureRequest, tmp_path: Path) -> labelled.Labelled:
    source: Path = request.param
    return _load(source, tmp_path, POST_MTIME.get(source.name, POST_MTIME["topics"]))


@pytest.fixture(params=SETS)
def copied_set(request: pytest.FixtureRequest, tmp_path: Path) -> labelled.Labelled:
    """The set as a plain copy or a checkout leaves it: every file time is now."""
    return _load(request.param, tmp_path, None)


def test_rules_1_to_3_related(labelled_set: labelled.Labelled) -> None:
    r = labelled.score_related(labelled_set)
    assert r.pairs_total > 0
    assert r.pairs_ok == r.pairs_total, r.pair_misses  # rule 1
    assert r.distractor_hits == []  # rule 2
    assert r.near_hits == []  # rule 3


def test_distractors_have_nothing_related(labelled_set: labelled.Labelled) -> None:
    from store import api

    for i, e in enumerate(labelled_set.labels["entries"]):
        if e.get("distractor"):
            rel = api.related(labelled_set.lib, labelled_set.ids[i])
            assert [r.title for r in rel] == [], e["title"]


def test_stories_keep_near_ones_apart(labelled_set: labelled.Labelled) -> None:
    st = labelled.score_stories(labelled_set)
    assert st.pairs_total > 0
    assert st.mixed == [] and st.near_mixed == []  # rule 3: never in one story
    assert st.distractors_in == []


def test_stories_group_each_story(labelled_set: labelled.Labelled) -> None:
    st = labelled.score_stories(labelled_set)
    assert st.pairs_together == st.pairs_total


def test_stories_group_each_story_whatever_the_file_time(
    copied_set: labelled.Labelled,
) -> None:
    # a post's "posted 3 days ago" resolves against its file's time, which a
    # copy resets (months from its story's feeds and digests): it still joins
    st = labelled.score_stories(copied_set)
    assert st.pairs_together == st.pairs_total
    assert st.mixed == [] and st.distractors_in == []


def test_rule_4_same_claims_linked_no_false_link(labelled_set: labelled.Labelled) -> None:
    c = labelled.score_claims(labelled_set)
    assert c.points_total > 0
    assert c.points_linked >= 0.7 * c.points_total, c.missed
    assert c.false_links == []


def test_related_reasons_are_at_most_four_and_specific(labelled_set: labelled.Labelled) -> None:
    from store import api

    generic = {"data", "research", "cost", "market", "job", "community", "model", "growth"}
    for i, e in enumerate(labelled_set.labels["entries"]):
        if not e.get("story"):
            continue
        for r in api.related(labelled_set.lib, labelled_set.ids[i]):
            assert 1 <= len(r.shared_tags) <= 4
            assert r.shared_tags[0] not in generic, (e["title"], r.shared_tags)
