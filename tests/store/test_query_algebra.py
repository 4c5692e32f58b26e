"""The filter language as an algebra, checked over generated libraries.

Why: a query is a conjunction, so ``A B`` must be ``A`` ∩ ``B`` for every pair
of term kinds, ``-X`` must be everything but ``X``, and the order of terms
must not matter. Each single term is checked against an oracle computed from
the generated entries and marks (never from the code under test), so a planted
bug in one kind of term or in the way terms combine turns this red.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.index.query import run_query
from store.index.tokens import entry_text, tokenize
from store.models import Entry, Source
from store.storage.library import Library

NOW = datetime(2025, 3, 1, 12, 0)
# content words: none is a prefix of another, none occurs in a source or show name
WORDS = ("apple", "berry", "cherry", "delta", "echo")
TAGS = ("red", "green", "deep-space")
SOURCES = ("Alpha Feed", "Beta Notes")
SHOWS = (None, "Gamma Show", "Kappa Hour")
DATES = (
    "",
    "2024-12-31",
    "2025-01-05",
    "2025-02-10",
    "2025-02-26T09:00:00",
    "2025-02-28",
    "2025-03-01",
)
# fewer examples when mutmut runs the suite once per mutant (docs/testing.md)
EXAMPLES = 6 if os.environ.get("MUTANT_UNDER_TEST") else 40


@dataclass(frozen=True)
class Spec:
    """One generated entry with its marks: the oracle's whole truth."""

    eid: str
    title: list[str]
    body: list[str]
    source: str
    show: str | None
    date: str
    auto: frozenset[str]
    user: frozenset[str]
    removed: frozenset[str]
    bookmarked: bool
    read: bool

    def entry(self) -> Entry:
        return Entry(
            id=self.eid,
            source=Source("file", self.source, f"/gen/{self.eid}"),
            show=self.show,
            title=" ".join(self.title) or "untitled",
            published=self.date or None,
            body=" ".join(self.body),
            auto_tags=tuple(sorted(self.auto)),
        )

    def tags(self) -> set[str]:
        return set((self.auto - self.removed) | self.user)


@st.composite
def specs(draw: st.DrawFn) -> list[Spec]:
    n = draw(st.integers(1, 7))
    out = []
    for i in range(n):
        words = st.lists(st.sampled_from(WORDS), max_size=5)
        auto = draw(st.frozensets(st.sampled_from(TAGS)))
        out.append(
            Spec(
                eid=f"g{i:02d}",
                title=draw(words),
                body=draw(words),
                source=draw(st.sampled_from(SOURCES)),
                show=draw(st.sampled_from(SHOWS)),
                date=draw(st.sampled_from(DATES)),
                auto=auto,
                user=draw(st.frozensets(st.sampled_from(TAGS))),
                removed=draw(st.frozensets(st.sampled_from(sorted(auto)))) if auto else frozenset(),
                bookmarked=draw(st.booleans()),
                read=draw(st.booleans()),
            )
        )
    return out


def _tokens(s: Spec) -> list[str]:
    return tokenize(entry_text(s.entry()))


def _has_pair(s: Spec, a: str, b: str) -> bool:
    toks = _tokens(s)
    return any(x == a and y == b for x, y in itertools.pairwise(toks))


def _day(s: Spec) -> str:
    return s.date[:10]


Oracle = Callable[[Spec], bool]


def _has_word(w: str) -> Oracle:
    return lambda s: w in _tokens(s)


def _has_tag(t: str) -> Oracle:
    return lambda s: t in s.tags()


def _negated(o: Oracle) -> Oracle:
    return lambda s: not o(s)


def _atoms() -> dict[str, tuple[str, Oracle]]:
    """term kind -> (term, what it means); one or more terms per kind."""
    atoms: dict[str, tuple[str, Oracle]] = {}
    for w in WORDS[:3]:
        atoms[f"word:{w}"] = (w, _has_word(w))
        atoms[f"!word:{w}"] = (f"!{w}", _negated(_has_word(w)))
    atoms["phrase"] = ('"apple berry"', lambda s: _has_pair(s, "apple", "berry"))
    atoms["!phrase"] = ('!"apple berry"', lambda s: not _has_pair(s, "apple", "berry"))
    for t in ("red", "green"):
        atoms[f"+tag:{t}"] = (f"+{t}", _has_tag(t))
        atoms[f"-tag:{t}"] = (f"-{t}", _negated(_has_tag(t)))
    atoms["+tag:spaced"] = ('+"deep space"', lambda s: "deep-space" in s.tags())
    atoms["+tag:compact"] = ("+deepspace", lambda s: "deep-space" in s.tags())
    atoms["is:bookmarked"] = ("is:bookmarked", lambda s: s.bookmarked)
    atoms["-is:bookmarked"] = ("-is:bookmarked", lambda s: not s.bookmarked)
    atoms["is:read"] = ("is:read", lambda s: s.read)
    atoms["is:unread"] = ("is:unread", lambda s: not s.read)
    atoms["-is:read"] = ("-is:read", lambda s: not s.read)
    atoms["source"] = ("source:alpha", lambda s: "alpha" in s.source.lower())
    atoms["-source"] = ("-source:alpha", lambda s: "alpha" not in s.source.lower())
    atoms["show"] = ('show:"gamma show"', lambda s: s.show == "Gamma Show")
    atoms["-show"] = ("-show:kappa", lambda s: s.show != "Kappa Hour")
    atoms["date:day"] = ("@2025-02-10", lambda s: _day(s) == "2025-02-10")
    atoms["date:month"] = ("@2025-02", lambda s: _day(s)[:7] == "2025-02")
    atoms["date:range"] = (
        "@2025-02-01..2025-02-28",
        lambda s: "2025-02-01" <= _day(s) <= "2025-02-28" if _day(s) else False,
    )
    atoms["date:since"] = ("@2025-02-15..", lambda s: _day(s) >= "2025-02-15")
    atoms["date:until"] = ("@..2025-02-10", lambda s: "" < _day(s) <= "2025-02-10")
    atoms["date:relative"] = ("@7-days-ago", lambda s: _day(s) >= "2025-02-22")
    atoms["date:weeks"] = ("@1-week-ago", lambda s: _day(s) >= "2025-02-22")
    atoms["date:today"] = ("@today", lambda s: _day(s) == "2025-03-01")
    atoms["date:yesterday"] = ("@yesterday", lambda s: _day(s) == "2025-02-28")
    atoms["date:year"] = ("@2025", lambda s: _day(s)[:4] == "2025")
    atoms["date:december"] = ("@2024-12", lambda s: _day(s)[:7] == "2024-12")
    atoms["date:ages"] = ("@99999-years-ago", lambda s: _day(s) != "")  # before year 1
    return atoms


ATOMS = _atoms()
# the complement pairs: -X is all minus X
COMPLEMENTS = [
    ("word:apple", "!word:apple"),
    ("phrase", "!phrase"),
    ("+tag:red", "-tag:red"),
    ("+tag:green", "-tag:green"),
    ("is:bookmarked", "-is:bookmarked"),
    ("is:read", "-is:read"),
    ("is:read", "is:unread"),
    ("source", "-source"),
]


def _build(directory: Path, data: list[Spec]) -> Library:
    lib = Library.open(directory)
    lib.save_entries([s.entry() for s in data])
    for s in data:
        if s.removed:  # removals first: the oracle is (auto - removed) | user
            lib.remove_tags([s.eid], sorted(s.removed))
        if s.user:
            lib.add_tags([s.eid], sorted(s.user))
    lib.set_bookmarked([s.eid for s in data if s.bookmarked], True)
    lib.set_read([s.eid for s in data if s.read], True)
    return lib


def _ids(lib: Library, q: str) -> list[str]:
    return [r.id for r in run_query(lib, q, now=NOW)]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(specs())
def test_terms_alone_pairs_complements_and_order(data: list[Spec]) -> None:
    os.environ["DIGEST_TUI_CONFIG"] = "/nonexistent/digest-tui-test/feeds.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        lib = _build(Path(tmp) / "lib", data)
        order = [r.id for r in lib.rows()]
        every = set(order)
        assert every == {s.eid for s in data}
        want = {k: {s.eid for s in data if o(s)} for k, (_q, o) in ATOMS.items()}
        got = {k: _ids(lib, q) for k, (q, _o) in ATOMS.items()}
        for k, (q, _o) in ATOMS.items():
            assert set(got[k]) == want[k], f"{q!r} alone"
            assert got[k] == [i for i in order if i in want[k]], f"{q!r}: not newest first"
        for a, b in itertools.combinations(sorted(ATOMS), 2):
            qa, qb = ATOMS[a][0], ATOMS[b][0]
            both = _ids(lib, f"{qa} {qb}")
            assert set(both) == want[a] & want[b], f"{qa!r} {qb!r} is not the intersection"
            assert _ids(lib, f"{qb} {qa}") == both, f"{qa!r} {qb!r}: order changed the result"
        for pos, neg in COMPLEMENTS:
            assert set(got[neg]) == every - set(got[pos]), f"{ATOMS[neg][0]!r} is not all - X"
        three = " ".join(ATOMS[k][0] for k in ("+tag:red", "+tag:green", "word:apple"))
        assert set(_ids(lib, three)) == want["+tag:red"] & want["+tag:green"] & want["word:apple"]
