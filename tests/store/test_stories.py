"""Stories: the same event across sources, grouped incrementally, never chained."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import api
from store.index import simstore, stories
from store.models import Entry, Source
from store.storage.library import Library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _e(
    eid: str,
    src: str,
    title: str,
    summary: str,
    points: tuple[str, ...] = (),
    date: str = "2025-05-01",
) -> Entry:
    return Entry(
        id=eid,
        source=Source("file", src, "/" + src),
        title=title,
        summary=summary,
        key_points=points,
        published=date,
    )


FLOOD = (
    "Flooding on the Varnel river closed the Ostrow bridge after 140 millimetres of rain.",
    ("The Ostrow bridge is closed for at least two weeks.", "About 3,400 homes lost power."),
)
QUAKE = (
    "A magnitude 5.9 earthquake near Tamsel damaged the old Tamsel cathedral.",
    ("The Tamsel cathedral tower partly collapsed.", "Some 260 aftershocks were recorded."),
)
FILLER = [
    ("Sourdough starters", "Flour, water and patience make a starter."),
    ("Chess endgames", "Rook endgames are the most common."),
    ("Birdwatching at dawn", "Swifts return every spring."),
    ("Woodworking benches", "A heavy bench stays flat."),
]


def _library(tmp_path: Path) -> Library:
    lib = Library.open(tmp_path / "lib")
    es = [
        _e("f1", "Wire A", "Varnel flood shuts the Ostrow bridge", FLOOD[0], FLOOD[1]),
        _e(
            "f2",
            "Radio B",
            "Ostrow bridge closed as the Varnel floods",
            "The Varnel river burst its banks; the Ostrow bridge will stay shut for 14 days.",
            ("The bridge stays shut for fourteen days.", "3,400 homes are without power."),
        ),
        _e("q1", "Wire A", "Tamsel cathedral damaged by earthquake", QUAKE[0], QUAKE[1]),
        _e(
            "q2",
            "Paper C",
            "Earthquake at Tamsel: the cathedral tower falls",
            "The 5.9 quake brought down part of the Tamsel cathedral tower.",
            ("Two hundred and sixty aftershocks followed.",),
        ),
    ]
    es += [_e(f"x{i}", f"Other {i}", t, s) for i, (t, s) in enumerate(FILLER)]
    lib.save_entries(es)
    return lib


def test_two_events_two_stories_with_their_points(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    found = api.stories(lib)
    groups = sorted(sorted(e.id for e in s.entries) for s in found)
    assert groups == [["f1", "f2"], ["q1", "q2"]]
    flood = next(s for s in found if "f1" in {e.id for e in s.entries})
    assert flood.label and flood.sources == 2
    texts = [sorted((eid, i) for eid, i, _t in p.at) for p in flood.points]
    assert [("f1", 0), ("f2", 0)] in texts  # two weeks / fourteen days
    assert [("f1", 1), ("f2", 1)] in texts  # 3,400 homes
    assert api.story_of(lib, "x0") is None
    links = api.point_links(lib, "q2")
    assert [(pl.point, [a[0] for a in pl.also]) for pl in links] == [(0, ["q1"])]


def test_stories_are_incremental_and_cached(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    api.stories(lib)
    ix = simstore.index(lib)
    before = len(ix)
    lib.save_entries(
        [
            _e(
                "f3",
                "Blog D",
                "Life around the closed Ostrow bridge",
                "With the Ostrow bridge shut after the Varnel flood, commuters take the ferry.",
            )
        ]
    )
    story = api.story_of(lib, "f3")
    assert story is not None and {"f1", "f2", "f3"} == {e.id for e in story.entries}
    assert len(simstore.index(lib)) == before + 1  # one signature computed, not all
    again = Library.open(tmp_path / "lib")  # another process: reads the side files
    assert {s.id for s in api.stories(again)} == {s.id for s in api.stories(lib)}


def test_an_overview_of_every_story_does_not_chain_them(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    api.stories(lib)
    overview = _e(
        "o1",
        "Roundup E",
        "This week: the Varnel flood and the Tamsel earthquake",
        FLOOD[0] + " " + QUAKE[0],
        FLOOD[1] + QUAKE[1],
        date="2025-05-02",
    )
    lib.save_entries([overview])
    found = api.stories(lib)
    for s in found:
        ids = {e.id for e in s.entries}
        assert not ({"f1", "q1"} <= ids)


def test_same_source_alone_is_no_story(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            _e("a", "Wire A", "Varnel flood shuts the Ostrow bridge", FLOOD[0], FLOOD[1]),
            _e("b", "Wire A", "Varnel flood: Ostrow bridge shut", FLOOD[0], FLOOD[1]),
        ]
    )
    assert api.stories(lib) == []


def test_deleted_state_file_is_rebuilt(tmp_path: Path) -> None:
    lib = _library(tmp_path)
    first = sorted(s.id for s in api.stories(lib))
    (lib.dir / stories.STATE_NAME).unlink()
    lib.caches.clear()
    assert sorted(s.id for s in api.stories(lib)) == first
