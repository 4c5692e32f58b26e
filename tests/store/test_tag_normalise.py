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

from store.index.tagids import MAX_TAG_CHARS, is_junk, normalize_tag
from store.index.tokens import singular
from store.index.wordlists import chrome, known_compounds, months_and_days, stop_words


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


# --- what is never a tag (``is_junk``), checked for every entry of the word lists


def _plural(phrase: str) -> str:
    return phrase + ("es" if phrase.endswith(("s", "x", "ch", "sh")) else "s")


def test_nothing_is_junk() -> None:
    assert is_junk([])
    assert normalize_tag("") == ""


@pytest.mark.parametrize("phrase", sorted(chrome()))
def test_every_chrome_phrase_is_junk_as_written_with_a_plural_end_and_unspaced(
    phrase: str,
) -> None:
    words = phrase.split()
    assert is_junk(words), phrase
    plural = _plural(words[-1])
    if singular(plural) == words[-1]:
        assert is_junk([*words[:-1], plural]), f"{phrase!r} with its last word plural"
    compact = "".join(words)
    for cut in range(1, len(compact)):
        # one chrome word written as two ("sign up" for "signup") is still chrome
        if " " not in phrase:
            assert is_junk([compact[:cut], compact[cut:]]), (compact[:cut], compact[cut:])


def test_a_word_that_is_not_chrome_is_a_tag() -> None:
    word = next(w for w in ("nuclear", "glacier", "sourdough") if w not in chrome())
    assert not is_junk([word])
    assert not is_junk(["sign", word])


def test_the_length_limit_is_inclusive() -> None:
    at = ["a" * 29, "b" * 30]  # 29 + space + 30 = MAX_TAG_CHARS
    assert len(" ".join(at)) == MAX_TAG_CHARS
    assert not is_junk(at)
    assert is_junk(["a" * 30, "b" * 30])


def test_stop_words_numbers_and_dates_alone_or_together_are_junk() -> None:
    stop = sorted(stop_words())[:3]
    assert is_junk(stop)
    assert is_junk([stop[0], "1990s"])
    assert is_junk(["21st", "5%"])
    dates = sorted(months_and_days())[:2]
    assert is_junk(dates)
    assert is_junk([dates[0], "21st"])
    assert not is_junk([stop[0], "glacier"])
    assert not is_junk([dates[0], "glacier"])
    assert is_junk(["x"]) and not is_junk(["xy"])
