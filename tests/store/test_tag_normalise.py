"""Tag normalisation: every spelling of one topic is one tag id.

Why: the topic index groups entries by tag id. If "Data Centers" and "Data
Center" normalise differently, one topic shows as two tags and the entries
never meet. The rules are checked for the kind of spelling (plural, spaced,
hyphenated, cased compound), over every known compound the word list holds,
not for one sample's wording.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from store.index.tagids import normalize_tag
from store.index.wordlists import known_compounds


def test_data_centers_and_data_center_are_one_tag() -> None:
    spellings = ["Data Centers", "Data Center", "data-centers", "DataCenter", "datacenters"]
    assert len({normalize_tag(s) for s in spellings}) == 1
    assert normalize_tag("Data Centers") == normalize_tag("Data Center") != ""


def _compounds() -> list[str]:
    cs = sorted(c for c in known_compounds() if len(c) >= 4 and normalize_tag(c) == c)
    assert cs, "known_compounds.txt holds no usable compound: the word list went missing"
    return cs


@pytest.mark.parametrize("compound", _compounds())
def test_a_plural_compound_is_its_singular(compound: str) -> None:
    """ "Xs" and "X" meet for every known compound, written joined or title-cased."""
    assert normalize_tag(compound + "s") == compound
    assert normalize_tag(compound.capitalize() + "s") == compound


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_compounds()), st.data())
def test_a_compound_split_in_two_words_is_one_tag_singular_or_plural(
    compound: str, data: st.DataObject
) -> None:
    """ "Data Center", "Data Centers", "data-centers": one id, the compound's."""
    cut = data.draw(st.integers(2, len(compound) - 2), label="cut")
    head, tail = compound[:cut], compound[cut:]
    # two stop words ("well being") are junk by a rule of their own
    from store.index.wordlists import stop_words

    assume(not (head in stop_words() and tail in stop_words()))
    sep = data.draw(st.sampled_from([" ", "-", "_"]), label="sep")
    for spelled in (f"{head}{sep}{tail}", f"{head.title()}{sep}{tail.title()}s"):
        assert normalize_tag(spelled) == compound, spelled


@pytest.mark.parametrize(
    ("plural", "singular"),
    [
        ("Supply Chains", "Supply Chain"),
        ("Large Language Models", "large language model"),
        ("Open-Source Models", "open source model"),
        ("GPU Clusters", "gpu cluster"),
    ],
)
def test_a_plural_last_word_of_a_phrase_is_singular(plural: str, singular: str) -> None:
    assert normalize_tag(plural) == normalize_tag(singular) != ""
    assert "-" in normalize_tag(plural)  # not a compound: words stay hyphenated
