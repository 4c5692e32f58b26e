"""Related entries: the seed links of EXPECTED.md, and no unrelated subjects."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.index.tagindex import related_entries
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library
from tests.support.seeds import SEEDS, seed_library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _rel(lib: Library, eid: str) -> dict[str, tuple[str, ...]]:
    return {r.id: r.shared_tags for r in related_entries(lib, eid)}


needs_seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not present")


@needs_seeds
@pytest.mark.parametrize(
    ("a", "b", "tags"),
    [
        ("deepseek", "post", {"china", "open-source", "cost"}),
        ("williamson", "post", {"gender"}),
        ("article", "chapter", {"compute"}),
        ("article", "deepseek", {"compute"}),
        ("chapter", "deepseek", {"compute"}),
    ],
)
def test_expected_seed_links_both_ways(tmp_path: Path, a: str, b: str, tags: set[str]) -> None:
    lib, by = seed_library(tmp_path)
    ab = _rel(lib, by[a].id)
    ba = _rel(lib, by[b].id)
    assert by[b].id in ab and by[a].id in ba
    assert tags <= set(ab[by[b].id]) and tags <= set(ba[by[a].id])


@needs_seeds
def test_gender_episode_is_not_related_to_ai_episode(tmp_path: Path) -> None:
    lib, by = seed_library(tmp_path)
    assert by["williamson"].id not in _rel(lib, by["deepseek"].id)


@needs_seeds
def test_unrelated_subjects_stay_out_of_ai_related(tmp_path: Path) -> None:
    lib, by = seed_library(tmp_path)
    cooking = Entry(
        id="cook1",
        source=Source("file", "Kitchen Weekly", "/k"),
        title="Cheap weeknight pasta and healthy fish and chips",
        summary="Chef Marta Lopez explains how to keep costs low: prices of olive oil rose, "
        "a budget pantry, and the health benefits of fresh herbs. Energy in the kitchen!",
        body="Boil the pasta, fry the chips, season the fish. A cheap, affordable dinner.",
    )
    football = Entry(
        id="foot1",
        source=Source("file", "Matchday Pod", "/f"),
        title="Derby day: tactics, transfers and the title race",
        summary="The manager praised the team's energy; transfer prices are expensive and "
        "ticket costs keep rising. Injuries and player health worry the club.",
    )
    lib.save_entries(tag_entries([cooking, football], lib))
    for key in ("deepseek", "post", "article", "chapter"):
        rel = _rel(lib, by[key].id)
        assert "cook1" not in rel and "foot1" not in rel, (key, rel)
    assert related_entries(lib, "cook1") == [] or all(
        r.id not in {by[k].id for k in ("deepseek", "article", "chapter")}
        for r in related_entries(lib, "cook1")
    )


def test_related_excludes_self_and_duplicates_and_prefers_other_sources(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    topics = {"chips": ["semiconductor"], "taiwan": ["Taiwan"], "ai": ["AI"]}

    def e(eid: str, src: str, title: str, body: str, link: str | None = None) -> Entry:
        return Entry(
            id=eid, source=Source("file", src, "/" + src), title=title, body=body, link=link
        )

    es = [
        e("x1", "A", "Chips in Taiwan", "Semiconductor plants in Taiwan and AI.", "https://a/1"),
        e("x2", "A", "Chips in Taiwan", "Semiconductor plants in Taiwan and AI.", "https://a/1"),
        e("x3", "A", "Same source", "Semiconductor news from Taiwan and AI."),
        e("x4", "B", "Other source", "Semiconductor news from Taiwan and AI."),
        e("x5", "C", "Only AI", "AI AI AI."),
    ] + [e(f"f{i}", f"F{i}", f"Filler {i}", "AI everywhere.") for i in range(6)]
    lib.save_entries(tag_entries(es, lib, topics))
    rel = related_entries(lib, "x1")
    ids = [r.id for r in rel]
    assert "x1" not in ids and "x2" not in ids  # itself and its exact duplicate
    assert ids[:2] == ["x4", "x3"]  # same tags: the other source first
    assert "x5" not in ids  # "ai" is on most entries: says nothing
    assert rel[0].shared_tags[0] in {"chip", "taiwan"}
    assert rel[0].score > 0
