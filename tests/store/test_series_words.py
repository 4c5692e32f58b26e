"""Series words (``store.index.series``): a source's recurring title label is no tag of its entries.

A podcast that calls episode after episode "Harbour Yarns 12: ..." names a
segment, not a subject; the keyword rule that lets a title word the lead
takes up be a tag on its own would tag every episode "yarn" and tie them all
together. From ``SERIES_MIN`` titles of one origin on, that word is dropped
for that origin, however the entries arrive (one batch, or one at a time with
the earlier ones re-tagged); another source's entry about yarns keeps the
tag, and a source with fewer such titles keeps it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from store.index.series import SERIES_MIN
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library

SUBJECTS = [
    "the lighthouse keeper's last winter",
    "a ferry that sailed without its captain",
    "the smuggler's cave below the chapel",
    "when the herring fleet came home early",
    "a bell heard under the bay",
    "the diver who found the old anchor",
    "a storm that moved the sandbar",
]


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _episode(i: int, subject: str, source: str = "Harbour Hour") -> Entry:
    return Entry(
        id=f"{source[:3].lower()}{i}",
        source=Source("feed", source, f"https://example.org/{source[:3]}.xml"),
        title=f"Harbour Yarns {40 + i}: {subject.capitalize()}",
        summary=f"Another of the harbour yarns listeners send us: {subject}.",
        published=f"2025-03-{10 + i:02d}",
    )


def _tag(lib: Library, entries: Sequence[Entry]) -> None:
    lib.save_entries(tag_entries(list(entries), lib, {}))


def _tags_of(lib: Library) -> dict[str, set[str]]:
    return {r.id: set(r.auto_tags) for r in lib.rows()}


def _label(tags: set[str]) -> bool:
    """Whether any tag holds a word of the series label ("yarn", "harbour-yarn", "harbour")."""
    return any("yarn" in t or "harbour" in t for t in tags)


def test_a_few_titles_keep_the_word_as_a_tag(tmp_path: Path) -> None:
    """Below the series count the title word the lead takes up is the subject, as before."""
    lib = Library.open(tmp_path / "lib")
    _tag(lib, [_episode(i, s) for i, s in enumerate(SUBJECTS[:2])])
    assert all(_label(t) for t in _tags_of(lib).values()), _tags_of(lib)


@pytest.mark.parametrize("one_at_a_time", [False, True])
def test_a_series_word_is_no_tag_of_its_source(tmp_path: Path, one_at_a_time: bool) -> None:
    assert len(SUBJECTS) > SERIES_MIN
    lib = Library.open(tmp_path / "lib")
    episodes = [_episode(i, s) for i, s in enumerate(SUBJECTS)]
    for batch in [[e] for e in episodes] if one_at_a_time else [episodes]:
        _tag(lib, batch)
    tags = _tags_of(lib)
    assert len(tags) == len(SUBJECTS)
    assert not [i for i, t in tags.items() if _label(t)], tags


def test_another_source_about_yarns_keeps_the_tag(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    _tag(lib, [_episode(i, s) for i, s in enumerate(SUBJECTS)])
    other = Entry(
        id="other",
        source=Source("feed", "Craft Weekly", "https://example.org/craft.xml"),
        title="Spinning Yarns From Fleece in a Village Mill",
        summary="The mill spins yarns from local fleece; the yarns are dyed with walnut husks.",
        published="2025-04-01",
    )
    _tag(lib, [other])
    tags = _tags_of(lib)
    assert "yarn" in tags["other"], tags["other"]
    assert not [i for i, t in tags.items() if i != "other" and _label(t)], tags


def test_only_titles_count_toward_a_series(tmp_path: Path) -> None:
    """A source that writes about yarns in its leads, title after title on other things,
    keeps "yarn" where another source made it a recurring keyword: no title label."""
    lib = Library.open(tmp_path / "lib")
    craft = [
        Entry(
            id=f"craft{i}",
            source=Source("feed", "Craft Weekly", "https://example.org/craft.xml"),
            title=f"{subject.capitalize()} at the Mill",
            summary=f"Wool yarns and {subject}: the mill's yarns, dyed and spun, for the yarns trade.",
            published=f"2025-03-{10 + i:02d}",
        )
        for i, subject in enumerate(
            ["weaving", "dyeing", "carding", "felting", "knitting", "plying"]
        )
    ]
    other = Entry(
        id="other",
        source=Source("feed", "Textile Times", "https://example.org/tt.xml"),
        title="Spinning Yarns From Fleece in a Village Mill",
        summary="The mill spins yarns from local fleece; the yarns are dyed with walnut husks.",
        published="2025-02-01",
    )
    _tag(lib, [other, *craft])
    tags = _tags_of(lib)
    assert "yarn" in tags["other"], tags
    assert all("yarn" in tags[e.id] for e in craft), tags
