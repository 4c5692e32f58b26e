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


# the shared set's README: the post's relative date resolves against this mtime
POST_MTIME = datetime(2025, 4, 13, 12, 0, tzinfo=UTC).timestamp()


@pytest.fixture(params=SETS)
def labelled_set(request: pytest.FixtureRequest, tmp_path: Path) -> labelled.Labelled:
    # read in place, except that file times must be what the README says: a copy
    # in tmp_path (never in the repository) carries them
    folder = tmp_path / "set"
    shutil.copytree(request.param, folder)
    for p in folder.iterdir():
        os.utime(p, (POST_MTIME, POST_MTIME))
    s = labelled.load(folder, tmp_path / "lib")
    assert not s.missing, s.missing
    return s


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


def test_stories_group_each_story(
    request: pytest.FixtureRequest, labelled_set: labelled.Labelled
) -> None:
    if "own2" in request.node.callspec.id:
        request.applymarker(
            pytest.mark.xfail(
                strict=True,
                reason="story grouping (store/index/stories.py, another piece of work) "
                "leaves 2 of 10 same-story pairs of topics-own2 apart",
            )
        )
    st = labelled.score_stories(labelled_set)
    assert st.pairs_together == st.pairs_total


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
