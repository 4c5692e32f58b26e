"""Keywords an entry may be tagged with on its own (``store.index.keywords``), by kind of input.

* a specific word the title names and the lead develops is the entry's
  subject before any second source writes about it; an ordinary title word
  the lead never mentions is not;
* an "-ing" word is a keyword only where the entry uses it as a noun (right
  after a determiner), never as a verb.

The wording is made up for each rule; the words' English frequencies
(``wordfreq``) put them in the band the rule is about.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.index.keywords import OWN_RIGHT_ZIPF, noun_ing
from store.index.specificity import zipf
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _tags(tmp_path: Path, title: str, summary: str, body: str = "") -> set[str]:
    """The automatic tags of one entry, alone in a library, with no vocabulary."""
    e = Entry(id="a", source=Source("file", "s1", "/x/s1"), title=title, summary=summary, body=body)
    (out,) = tag_entries([e], Library.open(tmp_path / "lib"), {})
    return set(out.auto_tags)


def test_an_ordinary_title_word_developed_in_the_lead_is_a_tag_alone(tmp_path: Path) -> None:
    """ "lighthouse" (ordinary, not rare) in the title and again in the lead: the subject."""
    assert OWN_RIGHT_ZIPF <= zipf("lighthouse") < 4.5
    tags = _tags(
        tmp_path,
        "Restoring a Lighthouse on the North Coast",
        "Volunteers spent two summers on the old lighthouse, replacing the lamp and the stairs.",
    )
    assert "lighthouse" in tags


def test_an_ordinary_title_word_the_lead_never_mentions_is_no_tag_alone(tmp_path: Path) -> None:
    """The title says "orchard", the lead is about something else: one source is not enough."""
    assert OWN_RIGHT_ZIPF <= zipf("orchard") < 4.5
    tags = _tags(
        tmp_path,
        "Tuesday Notes From the Orchard",
        "The hosts answer listener questions about tax returns, train delays and a new kettle.",
        "Later they walk past the orchard gate. The orchard was planted in the sixties.",
    )
    assert "orchard" not in tags


def test_an_ing_word_used_as_a_noun_is_a_keyword(tmp_path: Path) -> None:
    """ "the quilting group", "their quilting": an activity, so a subject."""
    tags = _tags(
        tmp_path,
        "Stitch by Stitch: A Year of Quilting",
        "Members of the quilting group meet weekly; their quilting is sold at the winter fair.",
    )
    assert "quilting" in tags


def test_an_ing_verb_is_no_keyword(tmp_path: Path) -> None:
    """ "Restoring a Lighthouse ... about restoring old lamps": a verb, never a tag."""
    tags = _tags(
        tmp_path,
        "Restoring a Lighthouse on the North Coast",
        "Volunteers talk about restoring old lamps and about restoring the lighthouse stairs.",
    )
    assert "restoring" not in tags
    assert "lighthouse" in tags


@pytest.mark.parametrize(
    ("text", "word", "noun"),
    [
        ("the knitting circle meets", "knitting", True),
        ("most beekeeping jobs pay by the hive", "beekeeping", True),
        ("talks about changing the rules", "changing", False),
        ("chasing strikes", "chasing", False),  # first word: nothing before it
        ("losing games is losing the league", "losing", False),
    ],
)
def test_noun_ing_needs_a_determiner_right_before_the_word(
    text: str, word: str, noun: bool
) -> None:
    assert noun_ing([[], text.split()], word) is noun


def test_a_title_that_is_the_leads_first_sentence_is_counted_once(tmp_path: Path) -> None:
    """A post titled with its own first sentence: the sentence is said once, so a
    phrase in it alone is no keyword ("cheap consumer GPUs" gave "cheap-consumer");
    a phrase the entry takes up again further on still is."""
    sentence = "We restored a copper lantern from a salvage yard over one long winter."
    assert zipf("lantern") < 4.5 and zipf("salvage") < 4.5
    once = _tags(tmp_path / "once", sentence, sentence + " Photos are below.")
    assert not {"salvage-yard", "copper-lantern", "lantern", "salvage"} & once
    again = _tags(
        tmp_path / "again",
        sentence,
        sentence + " The copper lantern now hangs by the door.",
        "Cleaning a copper lantern takes vinegar and patience.",
    )
    assert "copper-lantern" in again
