"""Related entries by what they say, with the most specific shared things as reasons.

Score: the cosine of two signatures (``store.index.similar``) with every term
weighted again by its rarity in this library (IDF), plus a small share of
the tag cosine of ``store.index.tagindex`` (tags the user gave count there).
Below ``MIN_SCORE`` nothing is related: an entry about woodworking next to
a library of tech news has an empty list, not its five least bad matches.

Other sources first: an entry of the same origin (source and show: one
podcast, one feed) is listed only when no other origin reaches the threshold,
because "more of the same show" is what the listing already offers.

Reasons: at most ``MAX_REASONS`` shared terms, phrases, figures or tags, the
most specific first (English rarity x library rarity, so "export-controls"
always leads "ai"), a word left out when a phrase or tag already holds it.
Ties break on the id, never on set order.

Cost, bounded per entry whatever the text (``content_candidates``): the
opened entry's terms are looked up in the postings rarest first (terms on
more than ``CANDIDATE_SHARE`` of a large library only score entries found
through rarer terms), at most ``MAX_POSTINGS`` postings are walked, the best
``SHORTLIST`` partial scores are scored exactly, and shared tags add at most
``TAG_CANDIDATES`` entries. A few milliseconds at 100k entries once the index
is in memory, even when every entry shares the same words.
"""

from __future__ import annotations

import functools
import heapq
import math
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter

from store.errors import NotFound
from store.index import simstore
from store.index.numbers import is_strong
from store.index.salience import GENERIC_TOPICS, is_generic
from store.index.simstore import SimIndex
from store.index.specificity import COMMON_ZIPF
from store.index.tagindex import Related, broad_tags, origin, tag_postings
from store.index.tokens import tokenize
from store.index.wordlists import generic_words
from store.models import Marks, Row
from store.storage.library import Library

__all__ = [
    "MIN_SCORE",
    "Scored",
    "content_candidates",
    "origin",
    "pair_score",
    "related_entries",
    "scores_for",
]

MIN_SCORE = 0.05
TAG_SHARE = 0.4
TAG_CANDIDATES = 2000  # entries found through shared tags alone, at most
MAX_REASONS = 4
SHORTLIST = 100
MAX_POSTINGS = 10_000  # postings one entry's candidate search walks, at most
CANDIDATE_SHARE = 0.05
CANDIDATE_MIN_DF = 50
CANDIDATE_MAX_DF = 1000
MIN_EVIDENCE = 2
STRONG_EVIDENCE = 3
COMMON_SHARE = 0.02
COMMON_MIN = 10
COMMON_LIBRARY = 500
EVIDENCE_SPEC = 0.45  # zipf under ~4.8: "battery", "regulator"; not "make", "first"
# a reason: rarer than a common English word (specificity.COMMON_ZIPF, on similar's scale)
REASON_SPEC = (6.6 - COMMON_ZIPF) / 4.0


def _idf(ix: SimIndex, k: int) -> float:
    return ix.idf(k)


Scored = dict[str, float]
#: candidates admitted by day: (each entry number's day or -1, first day, last day)
Window = tuple["array[int]", int, int]
MarksOf = Callable[[str], Marks]


def _weights(ix: SimIndex, dn: int, idf: Callable[[int], float]) -> dict[int, float]:
    """An entry's stored term weights times their library rarity (terms on every entry drop)."""
    out: dict[int, float] = {}
    for k, w in zip(ix.fterms[dn], ix.fw[dn], strict=True):
        i = idf(k)
        if i > 0:
            out[k] = w * i
    return out


def content_candidates(
    ix: SimIndex, mine: Mapping[int, float], idf: Callable[[int], float]
) -> dict[int, float]:
    """Entries sharing a useful term with the weights ``mine``, with partial dot products.

    Bounded whatever the text: terms on more than ``CANDIDATE_SHARE`` of a
    large library carry no grouping evidence and are not walked; the rest are
    walked rarest first, and a term whose postings would take the walk past
    ``MAX_POSTINGS`` (with every commoner term after it) is left out. So at
    most ``MAX_POSTINGS`` candidates, even when every entry shares the same
    words; the terms left out still count when the shortlist is scored exactly.
    """
    n = len(ix)
    cap = min(max(CANDIDATE_MIN_DF, CANDIDATE_SHARE * n), CANDIDATE_MAX_DF)
    walk = sorted(
        (len(post), ix.terms[k], k, post)
        for k in mine
        if (post := ix.post.get(k)) and len(post) <= cap
    )
    partial: dict[int, float] = {}
    budget = MAX_POSTINGS
    for size, _t, k, post in walk:
        budget -= size
        if budget < 0:
            break
        vi = mine[k] * idf(k)
        get = partial.get
        for d in post:
            partial[d] = get(d, 0.0) + vi
    return partial


def scores_for(
    ix: SimIndex,
    entry_id: str,
    shortlist: int = SHORTLIST,
    min_evidence: int = MIN_EVIDENCE,
    shared_out: dict[str, tuple[list[str], int]] | None = None,
    window: Window | None = None,
) -> Scored:
    """Content cosine of ``entry_id`` with every entry sharing a useful term (itself left out).

    A pair needs ``MIN_EVIDENCE`` independent shared things (words or figures;
    a shared phrase and its two words are one thing): two short episode notes
    that share "cell phone" and nothing else are not about the same thing,
    however high their cosine. ``window`` (each entry number's day, -1 for
    none, and the first and last day admitted) blocks candidates before the
    shortlist (stories: reports of one event are weeks apart); a test inline,
    not a callable, since it runs on every candidate. Cost:
    ``content_candidates`` plus ``shortlist`` exact scores.
    """
    dn = ix.doc.get(entry_id)
    if dn is None:
        return {}
    memo: dict[int, float] = {}

    def idf(k: int) -> float:
        got = memo.get(k)
        if got is None:
            got = memo[k] = ix.idf(k)
        return got

    mine = _weights(ix, dn, idf)
    norm = math.sqrt(sum(v * v for v in mine.values()))
    if not norm:
        return {}
    partial = content_candidates(ix, mine, idf)
    partial.pop(dn, None)
    if window is None:
        pool = list(partial.items())
    else:
        days, lo, hi = window
        pool = [kv for kv in partial.items() if (x := days[kv[0]]) < 0 or lo <= x <= hi]
    best = _best(ix, pool, shortlist)
    evidence = _Evidence(ix, mine)
    # each of this entry's terms with its IDF, looked up once for all candidates
    with_idf = {k: (m, idf(k)) for k, m in mine.items()}
    out: Scored = {}
    for d, _p in best:
        if not ix.live(d):
            continue
        dot = 0.0
        shared: list[int] = []
        for k, w in zip(ix.fterms[d], ix.fw[d], strict=True):
            mi = with_idf.get(k)
            if mi is not None:
                dot += mi[0] * w * mi[1]
                shared.append(k)
        if not dot:
            continue
        count = evidence.count(shared)
        if count >= min_evidence:
            out[ix.ids[d]] = dot / (norm * ix.norm(d))
            if shared_out is not None:
                shared_out[ix.ids[d]] = ([ix.terms[k] for k in shared], count)
    return out


def _best(ix: SimIndex, pool: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
    """The ``k`` best partial scores; ties at the edge broken on the id (deterministic)."""
    best = heapq.nlargest(k, pool, key=itemgetter(1))
    if len(best) < k:
        return best
    edge = best[-1][1]
    if sum(1 for _d, p in pool if p == edge) == sum(1 for _d, p in best if p == edge):
        return best
    tied = sorted((kv for kv in pool if kv[1] == edge), key=lambda kv: ix.ids[kv[0]], reverse=True)
    above = [kv for kv in best if kv[1] > edge]
    return above + tied[: k - len(above)]


def pair_score(ix: SimIndex, a: str, b: str) -> float:
    """The content cosine of two entries (0 when either has no signature): a story's
    members are compared with each other directly, not through the postings."""
    da, db = ix.doc.get(a), ix.doc.get(b)
    if da is None or db is None:
        return 0.0
    wa, wb = _weights(ix, da, ix.idf), _weights(ix, db, ix.idf)
    dot = sum(v * wb[k] for k, v in wa.items() if k in wb)
    return dot / (ix.norm(da) * ix.norm(db)) if dot else 0.0


def _common_at(n: int) -> float:
    """Entries a term may be on and still be evidence (``COMMON_SHARE`` of a large library).

    A term on 2% of a library of podcasts is boilerplate ("privacy notice",
    a host's sign-off) or a share button, not what two entries are about.
    """
    return max(COMMON_MIN, COMMON_SHARE * n) if n >= COMMON_LIBRARY else float("inf")


def _evidence_with_tags(
    ix: SimIndex, content: tuple[list[str], int], tags: set[str], tag_df: Mapping[str, int]
) -> int:
    """Content evidence plus shared specific tags the shared words do not already hold.

    "Two specific shared things" either way: two names, a name and a figure,
    or a shared word and a shared tag that says something else. One shared
    tag alone ("winter", "paris") relates nothing. ``content``: the shared
    terms and their evidence (``scores_for``).
    """
    terms, n = content
    words: set[str] = set()
    for t in terms:
        if ":" not in t:
            words.update(t.split("-"))
    common = _common_at(len(ix))
    for tag in tags:
        if tag_df.get(tag, 0) > common:
            continue
        if not set(tokenize(tag.replace("-", " "))) <= words:
            n += 1
    return n


class _Evidence:
    """Independent specific shared things: words, figures; a phrase merges its two words.

    Only specific words count ("make", "look", "first" are shared by any two
    texts), and only those on few entries of this library (``_common_at``);
    a shared strong figure counts. The terms of the entry a query starts from
    are classified once; each candidate then costs a pass over what it shares.
    """

    def __init__(self, ix: SimIndex, ks: Iterable[int]) -> None:
        common = _common_at(len(ix))
        spec = ix.specificity
        self.kept: dict[int, str] = {}
        self.useful: set[str] = set()
        self.phrases: dict[str, tuple[str, str, bool]] = {}
        for k in ks:
            if ix.df(k) > common:
                continue
            t = self.kept[k] = ix.terms[k]
            if ":" in t:
                if is_strong(t):
                    self.useful.add(t)
            elif "-" in t:
                a, _, b = t.partition("-")
                self.phrases[t] = (a, b, spec(t) >= EVIDENCE_SPEC)
            elif spec(t) >= EVIDENCE_SPEC:
                self.useful.add(t)

    def count(self, shared: Iterable[int]) -> int:
        kept = self.kept
        words = {kept[k] for k in shared if k in kept}
        useful = words & self.useful
        n = len(useful)
        for t in words:
            parts = self.phrases.get(t)
            if parts is None:
                continue
            a, b, specific = parts
            if a in useful and b in useful:
                n -= 1  # "space race" with "space" and "race": one thing
            elif specific and a not in words and b not in words:
                n += 1  # the phrase alone (its words fell out of the signatures)
        return n


def _effective(row: Row, m: Marks | None) -> set[str]:
    if m is None:
        return set(row.auto_tags)
    return {t for t in row.auto_tags if t not in m.removed_auto} | set(m.user_tags)


def _tag_scores(lib: Library, target: Row, marks: MarksOf, ids: Sequence[str]) -> dict[str, float]:
    """Tag cosine of the target with ``ids`` (broad tags and one-entry tags left out).

    A tag only one entry carries is never shared, yet its IDF is the largest
    there is: kept in a norm, an entry's one-off keyword (a subject its own
    title and lead name) would make it unrelated to everything, however many
    specific tags it shares with the other tellings of its story.
    """
    auto, user = tag_postings(lib)
    n = max(len(lib), 1)
    broad = broad_tags()

    def df(t: str) -> int:
        return len(auto.get(t, ())) + len(user.get(t, ()))

    def idf(t: str) -> float:
        return math.log((n + 1) / (df(t) + 0.5))

    tag_idf: dict[str, float] = {}
    mine = {t for t in _effective(target, marks(target.id)) if t not in broad and df(t) > 1}
    for t in mine:
        tag_idf[t] = idf(t)
    norm_me = math.sqrt(sum(max(v, 0.0) ** 2 for v in tag_idf.values()))
    out: dict[str, float] = {}
    if not norm_me:
        return out
    for i in ids:
        theirs = {t for t in _effective(lib.row(i), marks(i)) if t not in broad and df(t) > 1}
        shared = mine & theirs
        if not shared:
            continue
        for t in theirs:
            if t not in tag_idf:
                tag_idf[t] = idf(t)
        dot = sum(max(tag_idf[t], 0.0) ** 2 for t in shared)
        nt = math.sqrt(sum(max(tag_idf[t], 0.0) ** 2 for t in theirs))
        if nt:
            out[i] = dot / (norm_me * nt)
    return out


def _candidates(lib: Library, target: Row, marks: MarksOf, content: Scored) -> list[str]:
    """Entries to score on tags: those found by content, and those sharing a specific tag.

    At most ``TAG_CANDIDATES`` entries come through tags, the rarest tags
    first: a tag on more entries than are left of that budget finds none by
    itself (it can still add to the score of an entry found otherwise).
    """
    auto, user = tag_postings(lib)
    out = set(content)
    budget = TAG_CANDIDATES
    mine = _effective(target, marks(target.id)) - broad_tags()
    for size, t in sorted((len(auto.get(t, ())) + len(user.get(t, ())), t) for t in mine):
        budget -= size
        if budget < 0:
            break
        out.update(auto.get(t, ()), user.get(t, ()))
    out.discard(target.id)
    return sorted(out)


def _words(term: str) -> frozenset[str]:
    if ":" in term:
        return frozenset({term})
    return frozenset(tokenize(term.replace("-", " ")))


@functools.cache
def _no_reason() -> frozenset[str]:
    """Words too generic to be a reason on their own (a phrase holding them may be one)."""
    return generic_words() | broad_tags() | frozenset(GENERIC_TOPICS())


def _specific(ix: SimIndex, term: str) -> bool:
    """Whether a shared term says why two entries are related (``REASON_SPEC`` floor).

    A lone word must be uncommon in English (below ``specificity.COMMON_ZIPF``:
    "ridgeline", "gdpr", "dockworker"; not "model", "remain", "host") and
    not a generic word or a broad topic ("ai", "cost", "data"); a figure must
    be a strong one (62,000; 90 days; 80%); a phrase is as specific as its
    best word and a bit more ("open-source", "export-controls").
    """
    if "-" not in term and ":" not in term and term in _no_reason():
        return False
    return ix.specificity(term) > REASON_SPEC


def reasons(
    ix: SimIndex,
    a: str,
    b: str,
    shared_tags: set[str],
    tag_idf: Callable[[str], float],
) -> tuple[str, ...]:
    """At most ``MAX_REASONS`` shared specific things, the most specific first.

    Candidates: terms both signatures hold (``_specific`` ones only), tags
    both entries have, and vocabulary topics both texts name
    (``SimIndex.mentions``), neither generic nor broad. Ranked by English
    specificity times library rarity, so "export-controls" always leads "ai";
    a word is left out when a phrase or tag already holds it.
    """
    va, vb = ix.vector(a) or {}, ix.vector(b) or {}
    cands: list[tuple[float, str, str]] = []  # (-specificity, label, key)
    for t in va.keys() & vb.keys():
        i = _idf(ix, ix.tid[t])
        if i <= 0 or not _specific(ix, t):
            continue
        cands.append((-(ix.specificity(t) * i), ix.label(t), t))
    named = set(ix.mentions(a)) & set(ix.mentions(b))
    for t in shared_tags | ({t for t in named if not is_generic(t)} - broad_tags()):
        if t in _no_reason():
            continue
        cands.append((-(ix.specificity(t) * max(tag_idf(t), 0.0) * 1.05), t, t))
    cands.sort()
    out: list[str] = []
    covered: set[str] = set()
    for _s, label, key in cands:
        w = _words(key)
        if w <= covered or label in out:
            continue
        out.append(label)
        covered |= w
        if len(out) == MAX_REASONS:
            break
    return tuple(out)


def related_entries(
    lib: Library, entry_id: str, limit: int = 10, *, complete: bool = False
) -> list[Related]:
    """Entries that say what ``entry_id`` says, best first, each with its reasons.

    ``complete``: every entry gets its signature first (a one-shot command
    must answer from the whole library); else a bounded catch-up, the opened
    entry first (the UI, whose background warm-up does the rest).
    """
    from store.index.tagindex import _is_duplicate

    target = lib.row(entry_id)
    ix, _new = simstore.catch_up(lib, None, first=(entry_id,), opening=not complete)
    shared_terms: dict[str, tuple[list[str], int]] = {}
    content = scores_for(ix, entry_id, min_evidence=0, shared_out=shared_terms)
    marks = lib.marks  # one entry's at a time: no copy of every mark per open
    tag_sc = _tag_scores(lib, target, marks, _candidates(lib, target, marks, content))
    mine_tags = _effective(target, marks(entry_id))
    broad = broad_tags()
    auto, user = tag_postings(lib)
    tag_df = {t: len(auto.get(t, ())) + len(user.get(t, ())) for t in mine_tags}
    here = origin(target)
    scored: list[tuple[float, str, Row]] = []
    for i in sorted(content.keys() | tag_sc.keys()):
        c = content.get(i, 0.0)
        try:
            row = lib.row(i)
        except NotFound:
            continue
        if _is_duplicate(target, row):
            continue
        s = (1 - TAG_SHARE) * c + TAG_SHARE * tag_sc.get(i, 0.0)
        if s < MIN_SCORE / 2:
            continue  # below any threshold: no need to weigh its evidence
        tags = {t for t in mine_tags & _effective(row, marks(i)) if t not in broad}
        evidence = _evidence_with_tags(ix, shared_terms.get(i, ([], 0)), tags, tag_df)
        if evidence < MIN_EVIDENCE:
            continue
        # long texts dilute the cosine: three independent specific shared things
        # (names, figures, topics) are enough at half the score
        if s >= (MIN_SCORE if evidence < STRONG_EVIDENCE else MIN_SCORE / 2):
            scored.append((s, i, row))
    others = [x for x in scored if origin(x[2]) != here]
    chosen = others or scored
    chosen.sort(key=lambda x: (-x[0], x[1]))
    out: list[Related] = []
    n = max(len(lib), 1)

    def idf_of(t: str) -> float:
        # a topic is as rare as the entries tagged with it or naming it, whichever are more
        df = max(len(auto.get(t, ())) + len(user.get(t, ())), ix.ment_df.get(t, 0))
        return math.log((n + 1) / (df + 0.5))

    for s, i, row in chosen[:limit]:
        shared = {t for t in mine_tags & _effective(row, marks(i)) if t not in broad}
        out.append(
            Related(
                i,
                row.title,
                s,
                reasons(ix, entry_id, i, shared, idf_of),
                show=row.show,
                source=row.source,
                date=row.date,
            )
        )
    return out
