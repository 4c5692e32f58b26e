"""The filter language shared by `digest-tui list QUERY` and the UI's search.

Modelled on Elfeed's search filter; every term must hold (AND)::

    word  "a phrase"      text of title, summary, key points, sections, body
    !word  !"a phrase"    text must not contain it
    +tag  +"open source"  requires a tag (automatic or the user's); -tag excludes
    is:bookmarked is:unread is:read   (and -is:... to negate)
    source:NAME  show:NAME            substring, case/accent-insensitive (-source: negates)
    @7-days-ago  @2-weeks-ago  @3-months-ago  @1-year-ago  @today  @yesterday
    @2025-02-03  @2025-02  @2025-02-01..2025-03-01  @2025-02-01..  @..2025-03-01

Text terms are answered by the word index (``store.wordindex``), tag terms by
the tag index (``store.tagindex``); only the cheap per-row tests (marks,
source, date) look at rows one by one, so no body is read at query time.
Tags compare by their compact form, so +open-source, +"open source" and
+opensource are the same term. A malformed term raises ``QueryError`` with
the position of the term, so the UI can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from store.errors import DigestError
from store.library import Library, Row
from store.topics import fold, normalize_tag, tokens

__all__ = ["Query", "QueryError", "Term", "compile_query", "matches", "parse_query", "run_query"]

IS_VALUES = ("bookmarked", "unread", "read")
_REL = re.compile(r"(\d{1,5})-?(day|week|month|year)s?-?ago")
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


class QueryError(DigestError):
    """A malformed query; ``position`` is the 0-based offset of the bad term."""

    def __init__(self, message: str, position: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        return f"{self.message} (at character {self.position + 1})"


@dataclass(frozen=True, slots=True)
class Term:
    """One parsed term. ``kind``: text, tag, is, source, show, date."""

    kind: str
    value: str
    negate: bool = False
    pos: int = 0
    start: str | None = None  # date terms: relative or absolute bounds, unresolved
    end: str | None = None


@dataclass(frozen=True, slots=True)
class Query:
    terms: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return not self.terms


# --------------------------------------------------------------------------
# parsing
# --------------------------------------------------------------------------


def _split(q: str) -> list[tuple[str, int]]:
    """Whitespace-separated raw terms; quotes may hold spaces anywhere in a term."""
    out: list[tuple[str, int]] = []
    i, n = 0, len(q)
    while i < n:
        if q[i].isspace():
            i += 1
            continue
        start = i
        while i < n and not q[i].isspace():
            if q[i] == '"':
                close = q.find('"', i + 1)
                if close < 0:
                    raise QueryError('unterminated quote: add the closing "', i)
                i = close + 1
            else:
                i += 1
        out.append((q[start:i], start))
    return out


def _unquote(s: str) -> str:
    return s.replace('"', "").strip()


def _check_date(s: str, pos: int) -> str:
    """Validate one bound: a relative spec or YYYY[-MM[-DD]]; returns it as given."""
    s = s.strip().lower()
    if s in ("today", "yesterday") or _REL.fullmatch(s):
        return s
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            date.fromisoformat(s)
            return s
        if re.fullmatch(r"\d{4}-\d{2}", s):
            date.fromisoformat(s + "-01")
            return s
        if re.fullmatch(r"\d{4}", s) and s != "0000":
            return s
    except ValueError:
        pass
    raise QueryError(
        f"bad date {s!r}: use YYYY-MM-DD, YYYY-MM, N-days-ago, N-weeks-ago, today", pos
    )


def _parse_date(body: str, pos: int) -> Term:
    if not body:
        raise QueryError("empty date after @: e.g. @7-days-ago or @2025-02-01..2025-03-01", pos)
    if ".." in body:
        a, _, b = body.partition("..")
    elif "--" in body:  # Elfeed's @6-months-ago--1-month-ago
        a, _, b = body.partition("--")
    else:
        v = _check_date(body, pos)
        if _REL.fullmatch(v):  # "since then"
            return Term("date", body, pos=pos, start=v, end=None)
        return Term("date", body, pos=pos, start=v, end=v)  # that day (month, year)
    if not a and not b:
        raise QueryError("empty date range after @", pos)
    return Term(
        "date",
        body,
        pos=pos,
        start=_check_date(a, pos) if a else None,
        end=_check_date(b, pos) if b else None,
    )


def _parse_term(raw: str, pos: int) -> Term | None:
    head = raw[0]
    if head in "+-":
        negate = head == "-"
        body = raw[1:]
        if not body:
            raise QueryError(f"'{head}' needs a tag after it, e.g. {head}ai", pos)
        low = body.lower()
        if low.startswith("is:"):
            t = _parse_term(body, pos)
            return None if t is None else Term(t.kind, t.value, negate, pos)
        if low.startswith(("source:", "show:")):
            if not negate:
                return _parse_term(body, pos)
            t = _parse_term(body, pos)
            return None if t is None else Term(t.kind, t.value, True, pos)
        tag = normalize_tag(_unquote(body))
        if not tag:
            raise QueryError(f"{_unquote(body)!r} is not a usable tag", pos)
        return Term("tag", tag, negate, pos)
    if head == "!":
        body = raw[1:]
        if not _unquote(body):
            raise QueryError("'!' needs a word or \"phrase\" after it", pos)
        return Term("text", _unquote(body), True, pos) if tokens(_unquote(body)) else None
    if head == "@":
        return _parse_date(raw[1:].strip('"'), pos)
    low = raw.lower()
    if low.startswith("is:"):
        v = low[3:]
        if v not in IS_VALUES:
            raise QueryError(f"is:{v} is unknown; use is:bookmarked, is:unread or is:read", pos)
        return Term("is", v, False, pos)
    for key in ("source:", "show:"):
        if low.startswith(key):
            v = _unquote(raw[len(key) :])
            if not v:
                raise QueryError(f"{key} needs a name, e.g. {key}digestly", pos)
            return Term(key[:-1], fold(v), False, pos)
    text = _unquote(raw)
    if not tokens(text):
        return None  # punctuation only: matches everything, like an empty query
    return Term("text", text, False, pos)


def parse_query(q: str) -> Query:
    """Parse a filter; raises QueryError (and nothing else) on a malformed term."""
    if not isinstance(q, str):
        raise QueryError("the query must be text", 0)
    terms = []
    for raw, pos in _split(q):
        t = _parse_term(raw, pos)
        if t is not None:
            terms.append(t)
    return Query(tuple(terms))


# --------------------------------------------------------------------------
# evaluation
# --------------------------------------------------------------------------


def _resolve(bound: str, today: date, *, end: bool) -> str:
    """A bound as an ISO date string compared against a row's date prefix."""
    if bound == "today":
        return today.isoformat()
    if bound == "yesterday":
        return (today - timedelta(days=1)).isoformat()
    m = _REL.fullmatch(bound)
    if m:
        days = int(m.group(1)) * _UNIT_DAYS[m.group(2)]
        try:
            return (today - timedelta(days=days)).isoformat()
        except OverflowError:
            return "0001-01-01"
    if len(bound) == 7:  # YYYY-MM
        if not end:
            return bound + "-01"
        y, mo = int(bound[:4]), int(bound[5:])
        nxt = date(y + (mo == 12), mo % 12 + 1, 1)
        return (nxt - timedelta(days=1)).isoformat()
    if len(bound) == 4:
        return bound + ("-12-31" if end else "-01-01")
    return bound


def _tag_ids(tag: str, auto: dict[str, set[str]], user: dict[str, set[str]]) -> set[str]:
    key = tag.replace("-", "")
    out: set[str] = set()
    for postings in (auto, user):
        for t, ids in postings.items():
            if t == tag or t.replace("-", "") == key:
                out |= ids
    return out


def compile_query(
    lib: Library, query: Query | str, now: datetime | None = None
) -> Callable[[Row], bool]:
    """A row predicate for ``query``, with index lookups done once up front."""
    from store import wordindex
    from store.tagindex import tag_postings

    if isinstance(query, str):
        query = parse_query(query)
    today = (now or datetime.now()).date()
    need: set[str] | None = None
    exclude: set[str] = set()

    def require(ids: set[str]) -> None:
        nonlocal need
        need = set(ids) if need is None else need & ids

    texts = [t.value for t in query.terms if t.kind == "text" and not t.negate]
    if texts:
        hits = wordindex.search(lib, texts)
        if hits is not None:
            require(hits)
    for t in query.terms:
        if t.kind == "text" and t.negate:
            exclude |= wordindex.search(lib, [t.value]) or set()
    tag_terms = [t for t in query.terms if t.kind == "tag"]
    if tag_terms:
        auto, user = tag_postings(lib)
        for t in tag_terms:
            ids = _tag_ids(t.value, auto, user)
            if t.negate:
                exclude |= ids
            else:
                require(ids)

    checks: list[Callable[[Row], bool]] = []
    marks = lib.all_marks()
    for t in query.terms:
        if t.kind == "is":
            checks.append(_is_check(t.value, t.negate, marks))
        elif t.kind in ("source", "show"):
            checks.append(_name_check(t.kind, t.value, t.negate))
        elif t.kind == "date":
            lo = _resolve(t.start, today, end=False) if t.start else None
            hi = _resolve(t.end, today, end=True) if t.end else None
            checks.append(_date_check(lo, hi))

    final_need = need

    def pred(r: Row) -> bool:
        if final_need is not None and r.id not in final_need:
            return False
        if r.id in exclude:
            return False
        return all(c(r) for c in checks)

    pred.candidates = final_need  # type: ignore[attr-defined]
    return pred


_RANKS: dict[object, tuple[int, dict[str, int]]] = {}


def _rank(lib: Library) -> dict[str, int]:
    """Position of each id in ``lib.rows()``, cached per generation."""
    hit = _RANKS.get(lib.dir)
    if hit is None or hit[0] != lib.generation:
        hit = (lib.generation, {r.id: i for i, r in enumerate(lib.rows())})
        _RANKS[lib.dir] = hit
    return hit[1]


def _is_check(value: str, negate: bool, marks: dict) -> Callable[[Row], bool]:
    def test(r: Row) -> bool:
        m = marks.get(r.id)
        if value == "bookmarked":
            ok = bool(m and m.bookmarked)
        elif value == "read":
            ok = bool(m and m.read)
        else:
            ok = not (m and m.read)
        return ok != negate

    return test


def _name_check(kind: str, value: str, negate: bool) -> Callable[[Row], bool]:
    memo: dict[str | None, bool] = {}

    def test(r: Row) -> bool:
        name = r.source if kind == "source" else r.show
        hit = memo.get(name)
        if hit is None:
            hit = memo[name] = value in fold(name or "")
        return hit != negate

    return test


def _date_check(lo: str | None, hi: str | None) -> Callable[[Row], bool]:
    def test(r: Row) -> bool:
        d = r.date[:10]
        if not d:
            return False
        return (lo is None or d >= lo) and (hi is None or d <= hi)

    return test


def matches(lib: Library, query: Query | str, row: Row, now: datetime | None = None) -> bool:
    """Whether one row matches (convenience; filter many rows with compile_query)."""
    return compile_query(lib, query, now)(row)


def run_query(lib: Library, q: str, now: datetime | None = None) -> list[Row]:
    """Rows matching ``q``, newest first (the order of ``lib.rows()``)."""
    pred = compile_query(lib, parse_query(q), now)
    rows = lib.rows()
    cands: set[str] | None = getattr(pred, "candidates", None)
    if cands is not None and len(cands) * 4 < len(rows):
        # few index hits: order just those instead of walking every row
        rank = _rank(lib)
        picked = sorted((i for i in cands if i in rank), key=rank.__getitem__)
        return [r for r in (rows[rank[i]] for i in picked) if pred(r)]
    return [r for r in rows if pred(r)]
