"""A word written in camel case is a name, and a name is never singularised.

Word frequency keeps "Texas", "iTunes" and "Reuters" whole (their would-be
singulars are no words); a product name no frequency list knows ("CocoaPods"
on real feeds) would fold like an unknown plural, so its capitals decide. The
invented names (FlowPipes, BrewCrates, QuillOps, Trovian) stand for names no
frequency list knows; acronym plurals ("LLMs") and plurals of known names
("iPhones") still fold.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.errors import UsageError
from store.index.discovery import discover_candidates
from store.index.tagids import as_tag_id, normalize_tag
from store.index.topics import tag_entries
from store.index.usertags import check_spelled
from store.models import Entry, Source
from store.storage.library import Library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


@pytest.mark.parametrize(
    ("spelled", "tag"),
    [
        ("FlowPipes", "flowpipes"),
        ("BrewCrates", "brewcrates"),
        ("QuillOps", "quillops"),  # a capital run, then small letters
        ("the BrewCrates registry", "the-brewcrates-registry"),  # only the last word folds
        ("Trovian BrewCrates", "trovian-brewcrates"),
    ],
)
def test_a_camel_case_name_stays_whole(spelled: str, tag: str) -> None:
    assert normalize_tag(spelled) == tag
    assert as_tag_id(tag) == tag  # tagging takes its id back as it is


@pytest.mark.parametrize(
    ("spelled", "tag"),
    [
        ("LLMs", "llm"),  # an acronym's plural
        ("GPUs", "gpu"),
        ("iPhones", "iphone"),  # a known name's plural: its singular is the commoner word
        ("Flowpipes", "flowpipe"),  # capitalised, not camel case: an unknown plural folds
        ("flowpipes", "flowpipe"),
        ("Texas", "texas"),  # the frequency rules, as before
        ("iTunes", "itunes"),
    ],
)
def test_other_words_fold_as_before(spelled: str, tag: str) -> None:
    assert normalize_tag(spelled) == tag


def test_discovery_spells_the_id_from_the_name_as_written() -> None:
    found = discover_candidates("Our team moved every build to FlowPipes this spring.")
    assert "flowpipes" in found.values()
    assert "flowpipe" not in found.values()


def _entry(eid: str, source: str, title: str, summary: str, body: str = "") -> Entry:
    return Entry(
        id=eid,
        source=Source("file", source, f"/x/{source}"),
        title=title,
        summary=summary,
        body=body,
    )


def test_a_keyword_written_as_a_camel_case_name_keeps_its_plural(tmp_path: Path) -> None:
    # written "BrewCrates" throughout, once in lower case in a command: the
    # lower-case spelling makes it a keyword, the name as written makes its id
    e = _entry(
        "b1",
        "Pantry Dev",
        "BrewCrates",
        "BrewCrates fetches recipe packages. BrewCrates pins each version.",
        "To start, run: fetch install brewcrates. Then BrewCrates reads the lock file. "
        "BrewCrates caches every package, and BrewCrates checks each signature. "
        "Each package is a BrewCrate.",  # the name is what it writes most
    )
    lib = Library.open(tmp_path / "lib")
    (tagged,) = tag_entries([e], lib)
    assert "brewcrates" in tagged.auto_tags
    assert "brewcrate" not in tagged.auto_tags


def test_the_id_of_a_camel_case_name_is_a_tag_the_user_can_give() -> None:
    check_spelled(normalize_tag("FlowPipes"))  # "flowpipes": no error
    with pytest.raises(UsageError):
        check_spelled("gardens")  # an ordinary plural is still not a stored spelling


def test_a_tag_query_finds_a_camel_case_name_by_its_id_and_a_folded_tag_by_its_plural(
    tmp_path: Path,
) -> None:
    from store.index.query import run_query

    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            _entry("f1", "Build Notes", "FlowPipes", "All about FlowPipes."),
            _entry("h1", "Cloud Notes", "Hyperscaler news", "A hyperscaler grows."),
        ]
    )
    lib.add_tags(["f1"], [normalize_tag("FlowPipes")])  # "flowpipes", as tagging gives it
    lib.add_tags(["h1"], [normalize_tag("hyperscalers")])  # "hyperscaler"

    def found(q: str) -> list[str]:
        return [r.id for r in run_query(lib, q)]

    # the id the app writes into a saved search or a mute rule ("+" and the id)
    assert found("+flowpipes") == ["f1"]
    assert found("+FlowPipes") == ["f1"]
    assert found("+hyperscalers") == ["h1"]  # typed as a plural: the folded tag
    assert found("+hyperscaler") == ["h1"]
