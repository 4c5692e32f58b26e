"""Share chrome is dropped from tag evidence wherever it stands, and prose without
it is left as written (``store.index.evidence.clean``).

``clean`` decides the common case (no cue in the text) before splitting the
text into pieces; these properties hold that shortcut to what the pieces say:
a short piece that is a cue phrase goes, in any case and between any prose,
and a text no cue phrase is found in comes back unchanged.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from store.index.evidence import _share_cues, clean

CUES = sorted(_share_cues())
# prose that holds the cues' first words without being a cue ("all", "like", "join")
PROSE = [
    "All of the engineers like the new design",
    "They join the debate about grid power",
    "Rate limits were raised for the API",
    "Find the root cause before the release",
    "We watch the market open",
    "Support for the old format ends in May",
    "The terms changed twice this year",
    "Sign language interpreters were there",
]
_SEP = st.sampled_from([". ", "\n", " | ", " \u2022 "])


def _cased(text: str, how: int) -> str:
    return (text, text.upper(), text.title(), text.capitalize())[how]


@given(
    before=st.lists(st.sampled_from(PROSE), max_size=3),
    after=st.lists(st.sampled_from(PROSE), max_size=3),
    cue=st.sampled_from(CUES),
    how=st.integers(0, 3),
    sep=_SEP,
)
def test_a_cue_piece_is_dropped_in_any_case_between_any_prose(
    before: list[str], after: list[str], cue: str, how: int, sep: str
) -> None:
    piece = _cased(cue, how) + " today"
    text = sep.join([*(p + "." for p in before), piece, *(p + "." for p in after)])
    out = clean(text)
    assert re.search(re.escape(cue), out, re.I) is None, (text, out)
    for p in before + after:  # prose stays, word for word
        assert all(w in out for w in p.split()), (p, out)


@given(
    parts=st.lists(st.sampled_from(PROSE), min_size=1, max_size=6),
    sep=_SEP,
)
def test_prose_without_a_cue_phrase_comes_back_as_written(parts: list[str], sep: str) -> None:
    text = sep.join(p + "." for p in parts)
    assert clean(text) == text


_HINTY = st.lists(
    st.sampled_from(
        ["a", "Z", "B", "Q", "x1", ".", " ", "_", "-", "!", "\n", "é", "É", "\u00b7", "Ω", "9"]
        + [".com", ".CoM", ".io", ".site", "ly", "GPU", "NASA", "12345", "IO.", "IBM 2024!"]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300)
@given(_HINTY)
def test_the_quick_tests_decide_as_the_patterns_do(text: str) -> None:
    """``clean``'s hint-first tests for a domain and a run of capitals answer what
    the full patterns answer, for any text (non-ASCII letters and capitals included)."""
    from store.index.evidence import _CAPS_RUN, _TLD, _has_caps_run, _has_domain

    assert _has_domain(text) == (_TLD.search(text) is not None)
    assert _has_caps_run(text) == (_CAPS_RUN.search(text) is not None)


@given(st.text(max_size=60))
def test_the_quick_tests_decide_as_the_patterns_do_on_any_text(text: str) -> None:
    from store.index.evidence import _CAPS_RUN, _TLD, _has_caps_run, _has_domain

    assert _has_domain(text) == (_TLD.search(text) is not None)
    assert _has_caps_run(text) == (_CAPS_RUN.search(text) is not None)
