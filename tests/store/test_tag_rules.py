"""Salient-tag rules (issue 16), each stated for a kind of input, not for one sample's wording.

* a generic topic (cost, job, data...) is a tag only as the entry's subject:
  in the title and again in the lead, outscoring every specific tag, and no
  specific tag of the title tells a narrower subject;
* a keyword of one common English word is never a tag alone, an ordinary one
  only from the title; one passing mention of an ordinary word is no tag;
* an organisation's name keeps its plural ("X Motors", "Y Systems"), and a
  name written "A of B" is one tag kept whole.

The invented names (Zorbex, Quellin...) stand for names no frequency list knows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store.index.names import keeps_plural
from store.index.salience import plain_word_ok
from store.index.tagids import normalize_tag
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library

# a small vocabulary: one generic topic with its spellings, one specific one
VOCAB = {
    "cost": ["cost", "costs", "budget", "prices", "cheap"],
    "gardening": ["gardening", "allotment"],
    "sport": ["sports"],
}


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def entry(eid: str, source: str, title: str, summary: str = "", **kw: Any) -> Entry:
    return Entry(
        id=eid, source=Source("file", source, f"/x/{source}"), title=title, summary=summary, **kw
    )


def _tags(tmp_path: Path, *entries: Entry, topics: Any = None) -> list[set[str]]:
    lib = Library.open(tmp_path / "lib")
    return [set(e.auto_tags) for e in tag_entries(list(entries), lib, topics)]


# --------------------------------------------------------------------------
# generic topics
# --------------------------------------------------------------------------


def test_a_generic_word_only_in_the_lead_is_no_tag(tmp_path: Path) -> None:
    """Repeating "cost" in the lead describes a facet; the title says what the entry is about."""
    (tags,) = _tags(
        tmp_path,
        entry(
            "a",
            "garden-show",
            "Getting More From a Small Plot",
            "Seed costs went up, so the hosts compare the cost of raised beds, the cost of "
            "compost and cheap ways to water; prices at the garden centre keep rising.",
            key_points=("Raised beds cost more at first.",),
        ),
        topics=VOCAB,
    )
    assert "cost" not in tags


def test_a_generic_word_in_the_title_yields_to_a_specific_title_tag(tmp_path: Path) -> None:
    """ "Gardening on a Budget: Cutting Costs" is about gardening, even when "cost" scores more."""
    lead = (
        "Costs are the theme: the cost of seed, the cost of compost, cheap tools, budget "
        "beds and the prices of water butts. Gardening tips close the show."
    )
    (tags,) = _tags(
        tmp_path,
        entry(
            "a",
            "garden-show",
            "Gardening on a Budget: Cutting Costs",
            lead,
            key_points=("Budget beds cost less.", "Cheap tools last if oiled.", "Prices vary."),
        ),
        topics=VOCAB,
    )
    assert "gardening" in tags
    assert "cost" not in tags


def test_a_generic_word_that_is_the_subject_stays(tmp_path: Path) -> None:
    """Title and lead both about cost, nothing more specific: the entry is about cost."""
    (tags,) = _tags(
        tmp_path,
        entry(
            "a",
            "money-show",
            "Why Costs Keep Rising",
            "The hosts explain why costs rise: the cost of rent, the cost of food and the "
            "prices of energy, and how a household budget copes.",
        ),
        topics=VOCAB,
    )
    assert "cost" in tags


def test_one_passing_mention_of_an_ordinary_word_is_no_tag(tmp_path: Path) -> None:
    """ "a sports scientist" once in the lead is no sport tag; an acronym once still is."""
    lead = (
        "A sports scientist explains how amateur runners train for a long race, what the "
        "training logs show and why rest days matter more than new shoes or fancy watches."
    )
    (tags,) = _tags(
        tmp_path, entry("a", "run-show", "Training for the Long Race", lead), topics=VOCAB
    )
    assert "sport" not in tags


# --------------------------------------------------------------------------
# keywords of one word
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "in_title", "ok"),
    [
        ("fire", 1, False),  # common English: never alone
        ("guide", 1, False),
        ("module", 0, False),  # ordinary: only from the title
        ("module", 1, True),
        ("pension", 1, True),
        ("serac", 0, True),  # rare: a subject wherever it is repeated
        ("workbench", 0, True),
        ("battery-recall", 0, True),  # a phrase is specific by construction
    ],
)
def test_a_one_word_keyword_must_be_uncommon_or_in_the_title(
    word: str, in_title: int, ok: bool
) -> None:
    assert plain_word_ok(word, in_title) is ok


def test_everyday_words_repeated_across_sources_are_no_tags(tmp_path: Path) -> None:
    """ "module" and "default" recur in two sources' leads; they are words, not subjects."""
    lead = (
        "Owners must wait for a replacement module; the module swap is booked by the dealer, "
        "and a second module check follows. Settings stay at the default, the default "
        "charge limit, until the default is changed."
    )
    a, b = _tags(
        tmp_path,
        entry("a", "s1", "Waiting for the Zorbex Fix", lead),
        entry("b", "s2", "Zorbex Owners Keep Waiting", lead),
        topics={},
    )
    assert not {"module", "default"} & (a | b)


# --------------------------------------------------------------------------
# names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "tag"),
    [
        ("Quellin Motors", "quellin-motors"),
        ("Pellucid Systems", "pellucid-systems"),
        ("Brassmoor Cell Works", "brassmoor-cell-works"),
        ("Kestrel Terminals", "kestrel-terminals"),
        ("Federation of Locomotive Crews", "federation-of-locomotive-crews"),
    ],
)
def test_organisation_names_keep_their_plural(name: str, tag: str) -> None:
    assert normalize_tag(name) == tag
    assert normalize_tag(tag) == tag


@pytest.mark.parametrize(
    "phrase", ["electric motors", "neural networks", "agentic systems", "computer systems"]
)
def test_ordinary_plural_phrases_still_fold(phrase: str) -> None:
    """Only a rare, non-adjective first word makes "X Systems" a name."""
    assert normalize_tag(phrase) == normalize_tag(phrase[:-1])
    assert not keeps_plural(tuple(phrase.split()), phrase.split()[-1][:-1])


def test_a_name_written_a_of_b_is_one_tag(tmp_path: Path) -> None:
    """ "Federation of Alpine Guides" in two sources: one whole tag, not its halves."""
    a, b = _tags(
        tmp_path,
        entry(
            "a",
            "s1",
            "Guides Stop Climbs",
            "The Federation of Alpine Guides halted climbs on the Grauhorn; the Federation "
            "of Alpine Guides will review the routes in October.",
        ),
        entry(
            "b",
            "s2",
            "Closed Routes",
            "Members of the Federation of Alpine Guides say the Grauhorn routes stay shut, "
            "and the Federation of Alpine Guides is refunding clients.",
        ),
        topics={},
    )
    for tags in (a, b):
        assert "federation-of-alpine-guides" in tags
        assert not {"federation", "alpine-guide", "alpine-guides"} & tags
