"""The word index: segment building, merging and superseded documents."""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.index import wordindex
from store.index.segments import Segment, invert, invert_small, term_key
from store.index.tokens import entry_text, tokenize
from store.models import Entry, Source
from store.storage.library import Library

WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
]


def _reference(pairs: list[tuple[int, int]]) -> dict[int, list[int]]:
    out: defaultdict[int, set[int]] = defaultdict(set)
    for k, d in pairs:
        out[k].add(d)
    return {k: sorted(v) for k, v in out.items()}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1)),
            st.integers(0, 2**32 - 1),
        ),
        max_size=300,
    )
)
def test_invert_matches_a_dict_of_sorted_sets(pairs: list[tuple[int, int]]) -> None:
    keys = np.array([k for k, _ in pairs], dtype=np.uint64)
    docs = np.array([d for _, d in pairs], dtype=np.uint32)
    seg = invert(keys, docs)
    ref = _reference(pairs)
    assert list(seg.keys) == sorted(ref)
    assert {k: list(v) for k, v in seg.items()} == ref
    assert seg.offs[0] == 0 and seg.offs[-1] == len(seg.post)
    again = Segment.from_bytes(seg.to_bytes())
    assert (again.keys, again.offs, again.post) == (seg.keys, seg.offs, seg.post)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.integers(0, 40), st.integers(0, 2**64 - 1)), max_size=30),
        max_size=20,
    ),
    st.randoms(use_true_random=False),
)
def test_the_small_inversion_is_numpys_segment(docs: list[list[int]], rnd: random.Random) -> None:
    """A batch's keys inverted without numpy give the very segment numpy gives, for
    any keys (repeated within a document, shared across them) and document numbers
    in any order (a re-indexed entry keeps its older, smaller number)."""
    from array import array

    numbers = rnd.sample(range(1000), len(docs))
    parts = [array("Q", keys).tobytes() for keys in docs]
    pairs = [(k, n) for keys, n in zip(docs, numbers, strict=True) for k in keys]
    small = invert_small(parts, numbers)
    big = invert(
        np.array([k for k, _ in pairs], dtype=np.uint64),
        np.array([n for _, n in pairs], dtype=np.uint32),
    )
    assert small.to_bytes() == big.to_bytes()
    assert {k: list(v) for k, v in small.items()} == _reference(pairs)


def _entry(i: int, text: str) -> Entry:
    return Entry(id=f"e{i:04d}", source=Source("file", "T", "/t"), title=f"Item {i}", body=text)


@pytest.mark.parametrize("seed", [1, 2])
def test_many_batches_merge_and_supersede_like_a_full_scan(tmp_path: Path, seed: int) -> None:
    """More batches than MAX_SEGMENTS, with changed texts re-indexed: every search
    answers what a scan of the final texts answers."""
    rnd = random.Random(seed)
    lib = Library.open(tmp_path / "lib")
    final: dict[str, str] = {}
    n = 0
    for _batch in range(wordindex.MAX_SEGMENTS * 2 + 3):
        batch = []
        for _ in range(rnd.randint(1, 6)):
            if final and rnd.random() < 0.3:  # a changed entry: same id, new text
                i = int(rnd.choice(sorted(final))[1:])
            else:
                i, n = n, n + 1
            text = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(2, 12)))
            batch.append(_entry(i, text))
        lib.save_entries(batch)
        wordindex.add_entries(lib, batch)
        for e in batch:
            final[e.id] = entry_text(e)
    manifest = lib.read_sidecar(wordindex.MANIFEST)
    assert len(manifest["segs"]) <= wordindex.MAX_SEGMENTS + 1
    for w in WORDS:
        want = {eid for eid, t in final.items() if w in tokenize(t)}
        assert wordindex.search(lib, [w]) == want, w
    a, b = WORDS[0], WORDS[1]
    want = {eid for eid, t in final.items() if f"{a} {b}" in " ".join(tokenize(t))}
    assert wordindex.search(lib, [f"{a} {b}"]) == want


_TOKS = st.lists(
    st.sampled_from(["the", "of", "a", "open", "source", "model", "and", "chip", "x1", "naïve"])
    | st.text(alphabet="abcxyz019", min_size=1, max_size=5),
    max_size=60,
)


def _check_membership(toks: list[str], terms: set[int]) -> None:
    """What a document's terms answer, asked of every candidate word and pair.

    The oracle is the definition, not the code: a word is in iff it is one of
    the tokens; a pair "a b" is in iff a is directly followed by b somewhere and
    neither is a stop word; nothing else is (no pair over a gap, none reversed).
    """
    from store.index.wordlists import stop_words

    stop = stop_words()
    vocab = sorted(set(toks) | {"zz-absent", "of", "model"})
    for w in vocab:
        assert (term_key(w) in terms) == (w in toks), w
    adjacent = set(zip(toks, toks[1:], strict=False))
    for a in vocab:
        for b in vocab:
            want = (a, b) in adjacent and a not in stop and b not in stop
            assert (term_key(f"{a} {b}") in terms) == want, (a, b)
    assert len(terms) == len(set(toks)) + len(
        {f"{a} {b}" for a, b in adjacent if a not in stop and b not in stop} - set(toks)
    )


@settings(max_examples=80, deadline=None)
@given(_TOKS, st.booleans())
def test_token_terms_are_words_and_non_stop_pairs(toks: list[str], cold: bool) -> None:
    if cold:
        wordindex._PACKED.clear()
    terms = wordindex.token_terms(toks)
    _check_membership(toks, terms)
    assert wordindex.token_terms(toks) == terms  # memoised: the same


def test_token_terms_survive_the_memo_filling_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wordindex, "MAX_CACHED_KEYS", 5)
    for n in range(30):
        toks = [f"w{n}", "of", f"v{n}", f"u{n}", "the", f"w{n}"]
        _check_membership(toks, wordindex.token_terms(toks))
