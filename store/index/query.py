"""The filter language shared by `digest-tui list QUERY` and the UI's search.

Modelled on Elfeed's search filter; every term must hold (AND)::

    word  "a phrase"      text of title, summary, key points, sections, body, show, source
    !word  !"a phrase"    text must not contain it
    +tag  +"open source"  requires a tag (automatic or the user's); -tag excludes
    is:bookmarked is:unread is:read   (and -is:... to negate)
    is:muted                          entries a mute rule hides (hidden unless asked for)
    source:NAME  show:NAME            substring, case/accent-insensitive (-source: negates)
    @7-days-ago  @2-weeks-ago  @3-months-ago  @1-year-ago  @today  @yesterday
    @2025-02-03  @2025-02  @2025-02-01..2025-03-01  @2025-02-01..  @..2025-03-01

A plain word of ``PREFIX_MIN`` characters or more is also a prefix ("litho"
finds "lithography"); so is the last word of a *live* filter, the word being
typed, whatever its length (``parse_query(live=True)``). A quoted "phrase"
stays exact. A term with no letter or digit (``©``, ``--``) is ignored, and
``query_hints`` says so.

Text terms are answered by the word index (``store.index.wordindex``), tags by the tag index;
only cheap per-row tests (marks, source, date) read rows, and never a body. Entries not
derived yet are scanned for text (``pendingscan``) and carry the tags their derivation
will give (``pendingtags``). Tags compare by their compact form (+open-source, +opensource),
an id as itself (+cocoapods: ``tagids.as_tag_id``), a kept plural by its folded id too
(+star-war: ``pendingtags.tag_keys``). A malformed term raises ``QueryError`` at its position.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass
from datetime import datetime

from store.index import wordindex
from store.index.pendingscan import pending_text
from store.index.pendingtags import auto_postings, tag_keys
from store.index.querychecks import muted_checks, row_checks
from store.index.querydates import date_bounds
from store.index.queryterms import Query, QueryError, Term
from store.index.tagids import as_tag_id, normalize_tag
from store.index.tokens import fold, raw_tokens, tokenize
from store.models import Row
from store.storage.library import Library

__all__ = ["Query", "QueryError", "Term", "parse_query", "query_hints", "run_query"]

IS_VALUES = ("bookmarked", "unread", "read", "muted")
PREFIX_MIN = 3  # a plain word this long matches as a prefix too


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


def _parse_date(body: str, pos: int) -> Term:
    try:
        start, end = date_bounds(body)
    except ValueError as exc:
        raise QueryError(str(exc), pos) from None
    return Term("date", body, pos=pos, start=start, end=end)


def _text_term(raw: str, negate: bool, pos: int, typing: bool) -> Term | None:
    """A word or "phrase" term; None when it holds no letter or digit.

    An unquoted single word is a prefix too when it is ``PREFIX_MIN`` long, or
    whatever its length when it is being typed (``typing``).
    """
    text = _unquote(raw)
    words = raw_tokens(text)
    if not words:
        return None
    prefix = ""
    if '"' not in raw and len(words) == 1 and (typing or len(words[0]) >= PREFIX_MIN):
        prefix = words[0]
    return Term("text", text, negate, pos, prefix=prefix)


def _user_spelled(text: str, pos: int) -> str:
    """A tag as the user stores it (``post``, ``2025``, ``to-do``), which the
    automatic-tag rule refuses: what ``tag ID post`` stored, ``+post`` finds."""
    from store.errors import UsageError
    from store.index.usertags import user_tag

    try:
        return user_tag(text)
    except UsageError as exc:
        raise QueryError(str(exc), pos) from None


def _parse_term(raw: str, pos: int, typing: bool = False) -> Term | None:
    """One term; None for a term with no letter or digit (ignored, with a hint)."""
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
        if not tokenize(_unquote(body)):
            return None  # "--", "+©": nothing to be a tag
        tag = as_tag_id(_unquote(body)) or _user_spelled(_unquote(body), pos)
        if not tag:
            raise QueryError(f"{_unquote(body)!r} is not a usable tag", pos)
        return Term("tag", tag, negate, pos)
    if head == "!":
        body = raw[1:]
        if not _unquote(body):
            raise QueryError("'!' needs a word or \"phrase\" after it", pos)
        return _text_term(body, True, pos, typing)
    if head == "@":
        return _parse_date(raw[1:].strip('"'), pos)
    low = raw.lower()
    if low.startswith("is:"):
        v = low[3:]
        if v not in IS_VALUES:
            raise QueryError(
                f"is:{v} is unknown; use is:bookmarked, is:unread, is:read or is:muted", pos
            )
        return Term("is", v, False, pos)
    for key in ("source:", "show:"):
        if low.startswith(key):
            v = _unquote(raw[len(key) :])
            if not v:
                raise QueryError(f"{key} needs a name, e.g. {key}digestly", pos)
            return Term(key[:-1], fold(v), False, pos)
    return _text_term(raw, False, pos, typing)


def parse_query(q: str, *, live: bool = False) -> Query:
    """Parse a filter; raises QueryError (and nothing else) on a malformed term.

    ``live``: ``q`` is being typed, so its last word (unless a space follows
    it) is a prefix whatever its length: the list never goes blank on the way
    to a word that exists.
    """
    if not isinstance(q, str):
        raise QueryError("the query must be text", 0)
    terms = []
    ignored = []
    parts = _split(q)
    typing_at = parts[-1][1] if live and parts and not q[-1].isspace() else -1
    for raw, pos in parts:
        t = _parse_term(raw, pos, typing=pos == typing_at)
        if t is None:
            ignored.append(raw)
        else:
            terms.append(t)
    return Query(tuple(terms), tuple(ignored))


def query_hints(q: str) -> list[str]:
    """What the filter ignored, one line a kind ("ignored ‘©’: no letters or digits").

    A malformed query has no hints: its error says more.
    """
    try:
        ignored = parse_query(q).ignored
    except QueryError:
        return []
    if not ignored:
        return []
    quoted = ", ".join(f"\u2018{t}\u2019" for t in dict.fromkeys(ignored))
    return [f"ignored {quoted}: no letters or digits"]


# --------------------------------------------------------------------------
# evaluation
# --------------------------------------------------------------------------


class _Context:
    """Per-library lookups a query needs, rebuilt only when rows or the index change.

    ``rank`` maps an id to its position in ``lib.rows()`` (newest first), so a
    result is a set of positions that ``sorted`` puts in display order. Tags
    are kept by compact key ("opensource") as position sets, so +open-source,
    +"open source" and +opensource are one dict lookup.
    """

    def __init__(self, lib: Library) -> None:
        self.generation = lib.generation
        self.rows = lib.rows()
        self.rank = {r.id: i for i, r in enumerate(self.rows)}
        self.auto: dict[str, set[int]] | None = None  # built by the first tag term
        self.reader: wordindex.Reader | None = None
        self.pos_doc: list[int] = []
        self.doc_pos: list[int] = []
        self.marks_stamp: tuple[int, int | None] | None = None
        self.user: dict[str, set[int]] = {}
        self.removed: dict[str, set[int]] = {}

    def maps(self, reader: wordindex.Reader) -> tuple[list[int], list[int]]:
        """(position -> document, document -> position) for ``reader``, -1 where there is
        none (an unindexed row, a gone row); kept for that reader.

        As lists, so that moving a set between the two numberings is
        ``map(list.__getitem__, ...)`` in C: a Python lookup per element was
        half of a two-term query at 500k entries.
        """
        if reader is not self.reader:
            pos_doc = [-1] * len(self.rows)
            doc_pos = [-1] * len(reader.ids)
            rank = self.rank
            for d, eid in enumerate(reader.ids):
                p = rank.get(eid)
                if p is not None:
                    pos_doc[p] = d
                    doc_pos[d] = p
            self.reader, self.pos_doc, self.doc_pos = reader, pos_doc, doc_pos
        return self.pos_doc, self.doc_pos

    def tag(self, lib: Library, tag: str) -> set[int]:
        """Positions carrying ``tag`` (automatic, not removed, or the user's)."""
        stamp = lib.marks_stamp
        if stamp != self.marks_stamp:
            user: dict[str, set[int]] = {}
            removed: dict[str, set[int]] = {}
            rank = self.rank
            for eid, m in lib.all_marks().items():
                p = rank.get(eid)
                if p is None:
                    continue
                for t in m.user_tags:
                    user.setdefault(_compact(t), set()).add(p)
                for t in m.removed_auto:
                    for k in tag_keys(t):  # as ``auto_postings`` keys it
                        removed.setdefault(k, set()).add(p)
            self.user, self.removed, self.marks_stamp = user, removed, stamp
        if self.auto is None:
            self.auto = auto_postings(lib, self.rows)
        key = _compact(tag)
        if key not in self.auto and key not in self.user:  # "+hyperscalers": "hyperscaler"
            key = _compact(normalize_tag(tag) or tag)
        out = self.auto.get(key, set())
        if key in self.removed:
            out = out - self.removed[key]
        if key in self.user:
            out = out | self.user[key]
        return out


def _compact(tag: str) -> str:  # tags compare without their hyphens
    return tag.replace("-", "")


_CACHE_KEY = "query.context"  # the context's slot in ``lib.caches``


def _context(lib: Library) -> _Context:
    ctx: _Context | None = lib.caches.get(_CACHE_KEY)
    if ctx is None or ctx.generation != lib.generation:
        ctx = lib.caches[_CACHE_KEY] = _Context(lib)
    return ctx


@dataclass
class _Plan:
    """A query reduced to index sets and the per-row checks left over."""

    ctx: _Context
    need: list[int] | None  # candidate positions, newest first; None: every row
    checks: list[Callable[[Row], bool]]


def _plan(lib: Library, query: Query, now: datetime | None) -> _Plan:
    """Answer the indexable terms with set operations; leave the cheap row checks.

    Positive words/phrases give word-index documents, tags give positions;
    the smaller side is tested against the larger (an int lookup each), never
    every row. Only a query with no positive word or tag walks all rows.
    """
    ctx = _context(lib)
    today = (now or datetime.now()).date()
    pos_sets: list[set[int]] = []
    excl_pos: set[int] = set()
    doc_tests: list[tuple[Set[int], set[int], bool]] = []  # (docs, positions, negate)
    reader: wordindex.Reader | None = None

    def positions(extra: set[str]) -> set[int]:
        rank = ctx.rank
        return {rank[i] for i in extra if i in rank}

    scan = pending_text(lib) if any(t.kind == "text" for t in query.terms) else None
    texts = [t for t in query.terms if t.kind == "text" and not t.negate]
    if texts:
        found = wordindex.search_docs(lib, *_words(texts))
        if found is not None:
            reader, docs, unindexed = found
            if scan is not None:
                docs, unindexed = scan.merge(reader, docs, unindexed, *_words(texts))
            doc_tests.append((docs, positions(unindexed), False))
    for t in query.terms:
        if t.kind == "text" and t.negate:
            found = wordindex.search_docs(lib, *_words([t]))
            if found is not None:
                reader, docs, unindexed = found
                if scan is not None:
                    docs, unindexed = scan.merge(reader, docs, unindexed, *_words([t]))
                doc_tests.append((docs, positions(unindexed), True))
        elif t.kind == "tag":
            ids = ctx.tag(lib, t.value)
            if t.negate:
                excl_pos |= ids
            else:
                pos_sets.append(ids)

    pos_doc, doc_pos = ctx.maps(reader) if reader is not None else ([], [])
    need: set[int] | None = None
    if pos_sets:
        pos_sets.sort(key=len)
        need = set(pos_sets[0])
        for other in pos_sets[1:]:
            need &= other
    positive = [(d, e) for d, e, neg in doc_tests if not neg]
    if need is None and positive and reader is not None:
        positive.sort(key=lambda de: len(de[0]))
        docs, extra = positive.pop(0)
        need = _positions(doc_pos, docs) | extra
    if need is not None:
        for docs, extra in positive:
            # positions -> documents, intersect, back: set operations, no Python loop
            # (pos_doc[p] is -1 for an unindexed row, never a document)
            hits = set(map(pos_doc.__getitem__, need)) & docs
            need = (need & extra) | _positions(doc_pos, hits)
        need -= excl_pos
        for docs, extra, neg in doc_tests:
            if neg:
                hits = set(map(pos_doc.__getitem__, need)) & docs
                need = need - extra - _positions(doc_pos, hits)
    checks = row_checks(lib, query, today)
    if need is None:
        # no positive index term: every row, with the exclusions as row checks
        if excl_pos or doc_tests:
            negs = [(d, e) for d, e, neg in doc_tests if neg]
            rank = ctx.rank

            def excluded(r: Row) -> bool:
                p = rank[r.id]
                if p in excl_pos:
                    return True
                d = pos_doc[p] if pos_doc else -1
                return any(p in e or (d >= 0 and d in docs) for docs, e in negs)

            checks.insert(0, lambda r: not excluded(r))
        return _Plan(ctx, None, checks)
    return _Plan(ctx, sorted(need), checks)


def _words(terms: list[Term]) -> tuple[list[str], list[str]]:
    """Text terms as the word index takes them: (exact phrases, prefixes)."""
    return [t.value for t in terms if not t.prefix], [t.prefix for t in terms if t.prefix]


def _positions(doc_pos: list[int], docs: Set[int]) -> set[int]:
    """The positions of documents ``docs`` (gone rows and unknown documents left out).

    A document past the reader's ids is rare, so it is caught, not looked for:
    a ``max`` over the documents walked all of a common word's every query.
    """
    n = len(doc_pos)
    try:
        out = set(map(doc_pos.__getitem__, docs))
    except IndexError:
        out = set(map(doc_pos.__getitem__, (d for d in docs if d < n)))
    out.discard(-1)
    return out


def run_query(
    lib: Library,
    q: str,
    now: datetime | None = None,
    *,
    live: bool = False,
    muted: frozenset[str] = frozenset(),
) -> list[Row]:
    """Rows matching ``q``, newest first (the order of ``lib.rows()``).

    ``live``: ``q`` is being typed (the UI's search box), see ``parse_query``.
    ``muted``: the ids mute rules hide (``store.index.mute``); they are left out
    unless the query names ``is:muted``.
    """
    query = parse_query(q, live=live)
    plan = _plan(lib, query, now)
    rows, checks = plan.ctx.rows, [*plan.checks, *muted_checks(query, muted)]
    picked = rows if plan.need is None else list(map(rows.__getitem__, plan.need))
    if not checks:
        return list(picked)
    if len(checks) == 1:
        (c,) = checks
        return [r for r in picked if c(r)]
    return [r for r in picked if all(c(r) for c in checks)]
