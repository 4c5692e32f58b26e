"""Related entries and stories stay bounded per entry, whatever the text.

The bench's generated text is the worst case: every entry drawn from the same
few dozen words, so every entry shares most of its terms with every other.
The bound is tested structurally (how many candidates one entry's search
walks, how large a story grows), never with a clock.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bench import data as bench_data
from store import api
from store.index import related, simstore, stories
from store.models import Entry, Source
from store.storage.library import Library

# the bench generator's own word list: the same worst case, one owner
WORDS = bench_data.WORDS


def _same_words_library(tmp_path: Path, n: int = 400) -> Library:
    rng = random.Random(5)

    def text(k: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(k)).capitalize() + "."

    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            Entry(
                id=f"g{i:05d}",
                source=Source("feed", f"Feed {i % 7}", f"https://f{i % 7}"),
                title=text(6),
                summary=" ".join(text(12) for _ in range(3)),
                key_points=tuple(text(10) for _ in range(3)),
                body=" ".join(text(14) for _ in range(4)),
                published=f"2025-03-{1 + i % 5:02d}",  # all within one story window
            )
            for i in range(n)
        ]
    )
    return lib


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def test_candidates_per_entry_never_above_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lib = _same_words_library(tmp_path)
    cap = 150  # below what the shared words would bring in (every entry shares them)
    monkeypatch.setattr(related, "MAX_POSTINGS", cap)
    # no document-frequency cap either: the postings budget alone must hold
    monkeypatch.setattr(related, "CANDIDATE_MIN_DF", 10**6)
    ix, _ = simstore.catch_up(lib, None)

    def largest() -> int:
        return max(
            len(related.content_candidates(ix, related._weights(ix, dn, ix.idf), ix.idf))
            for dn in ix.doc.values()
        )

    assert largest() <= cap
    monkeypatch.setattr(related, "MAX_POSTINGS", 10**9)
    assert largest() > cap  # the words are shared: the budget is what holds it
    monkeypatch.setattr(related, "MAX_POSTINGS", cap)
    # the search still answers, from the candidates it kept
    assert all(len(api.related(lib, r.id)) <= 10 for r in lib.rows()[:20])


def test_stories_never_grow_past_their_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # forty reports of one event from eight sources, among other news: one
    # story, if nothing held it
    lib = _same_words_library(tmp_path, n=150)
    lib.save_entries(
        [
            Entry(
                id=f"r{i:03d}",
                source=Source("feed", f"Feed {i % 8}", f"https://f{i % 8}"),
                title=f"Varnel flood update {i}: the Ostrow bridge",
                summary="Flooding on the Varnel river closed the Ostrow bridge after 140 "
                "millimetres of rain; 3,400 homes lost power in Tamsel county.",
                key_points=("The Ostrow bridge is closed for two weeks.",),
                published=f"2025-05-{1 + i % 9:02d}",
            )
            for i in range(40)
        ]
    )
    monkeypatch.setattr(stories, "MAX_MEMBERS", 5)
    monkeypatch.setattr(stories, "PLACE_CHUNK", 15)  # placed over several writes
    found = api.stories(lib)
    assert found and max(len(s.entries) for s in found) == 5
    st = stories.ensure(lib)
    assert set(st.data["done"]) == {r.id for r in lib.rows()}  # every entry placed


def _flood(eid: str, src: str, title: str, day: str, *, kind: str = "feed") -> Entry:
    return Entry(
        id=eid,
        source=Source("feed", src, "https://" + src)
        if kind == "feed"
        else Source("file", src, "/" + src),
        title=title,
        summary="Flooding on the Varnel river closed the Ostrow bridge after 140 "
        "millimetres of rain; 3,400 homes lost power in Tamsel county.",
        published=day,
    )


def test_stories_are_blocked_by_date_window(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            _flood("a", "Wire A", "Varnel flood shuts the Ostrow bridge", "2025-05-01"),
            _flood("b", "Radio B", "Ostrow bridge closed by the Varnel flood", "2026-02-01"),
        ]
    )
    assert api.stories(lib) == []  # the same words nine months apart: two events
    assert [r.id for r in api.related(lib, "a")] == ["b"]  # still related


def test_a_local_file_date_does_not_block(tmp_path: Path) -> None:
    # a saved post's "posted 2 days ago" resolves against its file's time, which
    # a copy resets: months after the feed reports of its event, it still joins
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            _flood("a", "Wire A", "Varnel flood shuts the Ostrow bridge", "2025-05-01"),
            _flood("b", "Radio B", "Ostrow bridge closed by the Varnel flood", "2025-05-02"),
            _flood(
                "p",
                "river_watcher",
                "Our street after the Varnel flood",
                "2026-02-01T17:56:19+00:00",
                kind="file",
            ),
        ]
    )
    # another flood, in the same broad words, saved the same way: no window, yet apart
    other = Entry(
        id="q",
        source=Source("file", "hill_walker", "/hill_walker"),
        title="Our lane after the Dunmere flood",
        summary="Flooding on the Dunmere stream closed the Kelby footbridge after heavy "
        "rain; homes in Pellow village lost power for a night.",
        published="2026-02-03T09:12:40+00:00",
    )
    lib.save_entries([other])
    assert [sorted(e.id for e in s.entries) for s in api.stories(lib)] == [["a", "b", "p"]]
