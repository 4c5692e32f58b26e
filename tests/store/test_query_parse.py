"""The filter language's parser: what each spelling of a term becomes.

Why: ``test_query.py`` checks results on a library; this pins the parsed
terms themselves (kind, value, negation, date bounds, positions), so a
mutation in the parser shows even where a small library cannot tell.
"""

from __future__ import annotations

import pytest

from store.index.query import QueryError, Term, parse_query


@pytest.mark.parametrize(
    ("q", "terms"),
    [
        ("ai", [Term("text", "ai")]),
        ('"open source"', [Term("text", "open source")]),
        ('!"a b"', [Term("text", "a b", True)]),
        ("!deepseek", [Term("text", "deepseek", True)]),
        ("+china", [Term("tag", "china")]),
        ("-china", [Term("tag", "china", True)]),
        ('+"Open Source"', [Term("tag", "open-source")]),
        ("+LLMs", [Term("tag", "llm")]),
        ("is:read", [Term("is", "read")]),
        ("IS:Unread", [Term("is", "unread")]),
        ("+is:read", [Term("is", "read")]),
        ("-is:bookmarked", [Term("is", "bookmarked", True)]),
        ("source:Digestly", [Term("source", "digestly")]),
        ('source:"Think Forward"', [Term("source", "think forward")]),
        ("+source:x", [Term("source", "x")]),
        ("-source:x", [Term("source", "x", True)]),
        ("show:Café", [Term("show", "cafe")]),
        ("-show:x", [Term("show", "x", True)]),
        ("@2025", [Term("date", "2025", start="2025", end="2025")]),
        ("@2025-02", [Term("date", "2025-02", start="2025-02", end="2025-02")]),
        ("@7-days-ago", [Term("date", "7-days-ago", start="7-days-ago", end=None)]),
        ("@today", [Term("date", "today", start="today", end="today")]),
        ("@2025-02-01..", [Term("date", "2025-02-01..", start="2025-02-01", end=None)]),
        ("@..2025-03-01", [Term("date", "..2025-03-01", start=None, end="2025-03-01")]),
        (
            "@6-months-ago--1-month-ago",
            [Term("date", "6-months-ago--1-month-ago", start="6-months-ago", end="1-month-ago")],
        ),
        ("... !!! ©", []),  # punctuation only: no term
        ("", []),
        ("  ai   +gpu  ", [Term("text", "ai", pos=2), Term("tag", "gpu", pos=7)]),
        ('a"b c"d e', [Term("text", "ab cd"), Term("text", "e", pos=8)]),
    ],
)
def test_each_spelling_parses_to_its_term(q: str, terms: list[Term]) -> None:
    got = list(parse_query(q).terms)
    if all(t.pos == 0 for t in terms):
        got = [Term(t.kind, t.value, t.negate, 0, t.start, t.end) for t in got]
    assert got == terms
    assert parse_query(q).empty is (not terms)


@pytest.mark.parametrize(
    "q",
    ["@..", "@", "@0000", "@2025-02-30", "@2025-13", "@12345", "@soon", "!", '!""', "-", "+",
     "is:", "is:everything", "show:", 'source:""', '+"', '"'],
)  # fmt: skip
def test_malformed_terms_raise_a_query_error(q: str) -> None:
    with pytest.raises(QueryError):
        parse_query(q)


def test_a_query_error_points_at_the_start_unless_told() -> None:
    e = QueryError("bad")
    assert e.position == 0 and e.message == "bad"
    assert str(e) == "bad (at character 1)"
    assert str(QueryError("bad", 4)) == "bad (at character 5)"


def test_the_query_must_be_text() -> None:
    with pytest.raises(QueryError):
        parse_query(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("q", "message", "pos"),
    [
        ('ai "open', 'unterminated quote: add the closing "', 3),
        ("ai @", "empty date after @: e.g. @7-days-ago or @2025-02-01..2025-03-01", 3),
        ("ai @..", "empty date range after @: e.g. @2025-02-01..2025-03-01 or @2025-02..", 3),
        (
            "ai @soon",
            "bad date 'soon': use YYYY-MM-DD, YYYY-MM, YYYY, N-days-ago, N-weeks-ago, today"
            " or yesterday, or a range a..b (@2025-02-01..2025-03-01, @2025-02.., @..7-days-ago)",
            3,
        ),
        ("ai !", "'!' needs a word or \"phrase\" after it", 3),
        ("ai show:", "show: needs a name, e.g. show:digestly", 3),
        ("ai is:x", "is:x is unknown; use is:bookmarked, is:unread, is:read or is:muted", 3),
        ("ai -", "'-' needs a tag after it, e.g. -ai", 3),
    ],
)
def test_errors_say_what_is_wrong_and_where(q: str, message: str, pos: int) -> None:
    with pytest.raises(QueryError) as exc:
        parse_query(q)
    assert (exc.value.message, exc.value.position) == (message, pos)


def test_negated_terms_keep_their_position() -> None:
    terms = parse_query("ai -is:read -source:x +gpu").terms
    assert [(t.kind, t.negate, t.pos) for t in terms] == [
        ("text", False, 0), ("is", True, 3), ("source", True, 12), ("tag", False, 22),
    ]  # fmt: skip


def test_a_tag_term_is_read_as_the_user_stores_tags() -> None:
    """What `tag ID post` stored, `+post` finds; what no tag can be is an error there."""
    for word in ("join", "post", "2025", "to-do"):  # words the automatic tagger refuses
        (term,) = parse_query(f"+{word}").terms
        assert (term.kind, term.value) == ("tag", word)
    with pytest.raises(QueryError) as exc:
        parse_query("ai +" + "a" * 70)
    assert exc.value.position == 3 and "at most 60 characters" in exc.value.message
