"""Generic words are never tags on their own (issue 16): not from a title word, not from a compound."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.index.salience import is_generic
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library

SAMPLES = Path(__file__).resolve().parents[2] / "store" / "samples"


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def test_bundled_samples_carry_no_generic_tag(tmp_path: Path) -> None:
    from store.sync.ingest import ingest_paths

    lib = Library.open(tmp_path / "lib")
    ingest_paths(lib, [SAMPLES])
    generic = {(r.title, t) for r in lib.rows() for t in r.auto_tags if is_generic(t)}
    # "#data" came from "Data Centres", "#cost" from "cheap GPUs" and "The Price of
    # Open Weights"; energy is the subject of the one that keeps it
    assert generic == {("Why Energy Is the New Bottleneck for AI", "energy")}


def _tags(lib: Library, title: str, summary: str, points: tuple[str, ...] = ()) -> set[str]:
    e = Entry(
        id="e1",
        source=Source("file", "Desk", "/desk"),
        title=title,
        summary=summary,
        key_points=points,
    )
    return set(tag_entries([e], lib)[0].auto_tags)


def test_a_generic_word_inside_a_compound_is_no_tag(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    tags = _tags(
        lib,
        "Data Centres Strain the Northern Grid",
        "Utilities in the north report a surge of data centres asking for grid connections; "
        "regulators want the data centres to publish demand forecasts and share upgrade bills.",
        ("Connection requests from data centres doubled this year.",),
    )
    assert "data" not in tags


def test_a_generic_topic_in_the_title_is_a_tag_only_as_the_main_subject(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    tags = _tags(
        lib,
        "We tested open-source models on cheap laptops",
        "Twelve open-source models, open weights and all, ran on laptops under a modest budget; "
        "the open-source licences and the quantised weights decide what runs well.",
        ("Open-source models at 4-bit ran at reading speed.",),
    )
    assert "open-source" in tags and "cost" not in tags
