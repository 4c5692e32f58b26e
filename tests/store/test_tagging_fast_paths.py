"""Tagging's fast paths give exactly what their general forms give (issue 19).

Why: tokenising, evidence, the written forms of words, names at a sentence
start and the packed term keys run for every entry of every refresh, so each
has a cheap form for the common text (plain ASCII); these properties hold the
cheap forms to the general ones on text made of the characters that decide
them (dots before digits, apostrophes, capitals, digits, ``#``/``+``,
newlines, non-ASCII letters), so a change that breaks the equivalence shows
up here and not as different tags.
"""

from __future__ import annotations

import unicodedata
from array import array

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from store.index import discovery, evidence, pluralnames, tokens, wordindex
from store.index.segments import term_key

_ALPHABET = st.sampled_from(
    list("ab Zq.,-'#+\n0123456789") + ["3.5", ".7", "a.b", "C++", "C#", "GPU", "H100s"]
    + ["don't", "DeepSeek's", "\u2019", "é", "Ünïcode", "ǅ", "٣", "\u00b2", "İ", "ß", "  "]
)  # fmt: skip
_TEXT = st.lists(_ALPHABET, max_size=40).map("".join)
_WORD = st.lists(_ALPHABET, min_size=1, max_size=6).map("".join)


@settings(max_examples=500)
@given(st.one_of(_TEXT, st.text(max_size=60)))
@example("#a#")  # a "#" at the start once hid every later one ("#1 show about c#")
@example("+c++")
@example("quote\u2019\u00df end")  # a non-ASCII run of a separator and a letter
@example("x\u2014y \U0001f600 z\u2026")
@example("7.1a2.5 _3.4 a7.1 7.1.2. #8.9 1.x")  # where a decimal number is a token
def test_folded_text_splits_as_the_token_regex(s: str) -> None:
    f = tokens.fold(s)
    assert tokens._split_folded(f) == tokens._TOKEN.findall(f)


@settings(max_examples=500)
@given(st.one_of(_TEXT, st.text(max_size=60)))
@example("Quote\u201cSta\u00dfe\u201d \u2014 C#")
@example("7.1A2.5 _3.4 B7.1 7.1.2. 1.X")
def test_an_evidence_field_tokenises_as_its_regex(s: str) -> None:
    toks, raw, text = evidence._field(s)
    plain = evidence._COMBINING.sub("", unicodedata.normalize("NFKD", text))
    want = evidence._CASED_TOKEN.findall(plain)
    if "'" in plain or "\u2019" in plain:
        want = [t for t in want if t not in evidence._CLITICS]
    assert raw == want
    assert toks == [tokens.singular(t.lower()) for t in want]


@settings(max_examples=500)
@given(st.sets(_WORD | st.text(max_size=8), max_size=12))
def test_written_folds_every_word_as_fold_does(words: set[str]) -> None:
    w = pluralnames.written([sorted(words)])
    assert w.folded == frozenset(map(tokens.fold, words))
    assert w.lower == frozenset(t for t in words if t.islower())


@settings(max_examples=500)
@given(_WORD | st.text(max_size=8))
def test_a_strong_name_is_a_capital_or_digit_after_the_first_letter(w: str) -> None:
    assert discovery._strong_name(w) == any(c.isupper() or c.isdigit() for c in w[1:])


def test_the_fast_paths_are_taken_on_plain_text_and_left_on_the_rest() -> None:
    """The checks that pick the fast paths, on the inputs that must pick each way."""
    assert tokens._DECIMAL_RE.search("version 3.5 is out") is not None
    assert tokens._DECIMAL_RE.search("the end. 3 more. v.x") is None
    assert tokens.raw_tokens("#1 show about C#") == ["1", "show", "about", "c#"]
    assert tokens.ascii_words("it\u2019s \u201cfine\u201d \U0001f600") == "it s  fine   "
    assert tokens.ascii_words("Stra\u00dfe") is None and tokens.ascii_words("x\u00b2") is None
    assert pluralnames.written([["Wars", "wars", "GPUs"]]).folded == {"wars", "gpus"}
    assert pluralnames.written([["a\nb"]]).folded == {"a\nb"}  # a newline inside a word
    assert pluralnames.written([[]]).folded == frozenset()
    assert discovery._strong_name("DeepSeek") and discovery._strong_name("x1")
    assert not discovery._strong_name("Open") and not discovery._strong_name("Éa")
    assert discovery._strong_name("Éİ")  # non-ASCII: the general test


_TOKS = st.lists(
    st.sampled_from(["the", "of", "open", "source", "model", "chip", "x1", "naïve", "and"])
    | st.text(alphabet="abcxyz019", min_size=1, max_size=5),
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(_TOKS, st.booleans())
def test_packed_term_keys_are_the_token_terms(toks: list[str], cold: bool) -> None:
    if cold:
        wordindex._PACKED.clear()
    text = " ".join(toks)
    keys, words = wordindex.text_terms(text)
    want = {term_key(t) for t in wordindex._terms(tokens.tokenize(text))}  # no memo
    assert want == wordindex.token_terms(tokens.tokenize(text))
    assert set(array("Q", keys)) == want
    assert len(keys) // 8 == len(want)  # one key per term (no collision in these)
    assert set(words.split("\n")) - {""} == set(tokens.raw_tokens(text))


def test_packed_term_keys_survive_the_memo_filling_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wordindex, "MAX_CACHED_KEYS", 5)
    for n in range(30):
        text = f"w{n} of v{n} u{n} the w{n}"
        keys, _ = wordindex.text_terms(text)
        assert set(array("Q", keys)) == wordindex.token_terms(tokens.tokenize(text))
    assert len(wordindex._PACKED) <= 5 + 10
