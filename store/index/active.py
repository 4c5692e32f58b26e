"""Discovered topics matched in an entry: the active-topic matcher and a name's spellings.

Split from ``store.index.topics`` (which keeps the state and decides what
becomes a topic): this is the per-entry side, given the active topics.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from store.index.discovery import MAX_PHRASE_TOKENS
from store.index.evidence import CaseSeq, Evidence
from store.index.names import fold_names, initials, join_of_names
from store.index.pluralnames import kept_plural_id
from store.index.salience import Counts
from store.index.specificity import zipf
from store.index.tagids import normalize_tag
from store.index.tokens import singular

__all__ = ["ActiveTopics", "first_token", "names_in"]


def first_token(tag: str) -> str:
    """The token a tag's spelling starts with in ``tokenize`` output."""
    return singular(tag.split("-", 1)[0])


class ActiveTopics:
    """Active topics indexed by the token their spellings start with.

    Matching an entry is one dict lookup per token plus, on a hit, a few
    string concatenations to compare compact keys, so "Quantix Net",
    "QuantixNet" and "quantix-net" all meet the key "quantixnet" without
    generating every n-gram of the text.
    """

    def __init__(self, active: Mapping[str, list[Any]]) -> None:
        self.by_first: dict[str, list[str]] = {}
        # "dpc" -> "data-protection-commission": an acronym of a recurring long name
        self.by_initials: dict[str, set[str]] = {}
        for key, rec in active.items():
            self.add(key, rec)
            if rec[0].count("-") >= 1:
                ini = initials(rec[0])
                if len(ini) >= 2:
                    self.by_initials.setdefault(ini, set()).add(rec[0])

    def add(self, key: str, rec: list[Any]) -> None:
        firsts = {key, *rec[3]} if len(rec) > 3 else {key, first_token(rec[0])}
        for f in firsts:
            lst = self.by_first.setdefault(f, [])
            if key not in lst:
                lst.append(key)

    def match(self, toks: Sequence[str], cases: CaseSeq) -> dict[str, int]:
        """Active topic key -> occurrences in ``toks``, each starting with a capital.

        A discovered topic is a name: "Phoenix" the city, not a phoenix rising.
        Only the positions of tokens a topic starts with are visited (found
        with ``list.index``, in C).
        """
        found: dict[str, int] = {}
        by_first = self.by_first
        starts = set(toks).intersection(by_first) if by_first else None
        if not starts:
            return found
        n = len(toks)
        index = toks.index
        for t in starts:
            i = -1
            while True:
                try:
                    i = index(t, i + 1)
                except ValueError:
                    break
                if cases[i] == "l":
                    continue
                for key in by_first[t]:
                    acc, j = t, i
                    while len(acc) < len(key) and j + 1 < n and j - i < MAX_PHRASE_TOKENS - 1:
                        j += 1
                        acc += toks[j]
                        if not key.startswith(acc):
                            break
                    if acc == key:
                        found[key] = found.get(key, 0) + 1
        return found

    def counts(self, ev: Evidence) -> dict[str, Counts]:
        """Active topic key -> occurrences by field (title, lead, details)."""
        per = [self.match(toks, cases) for toks, cases in zip(ev.tokens, ev.cases, strict=True)]
        keys = dict.fromkeys(k for m in per for k in m)
        return {k: (per[0].get(k, 0), per[1].get(k, 0), per[2].get(k, 0)) for k in keys}


def _spelled_out(short: str, long: str) -> bool:
    """``long`` is ``short`` with words of a name after it ("ampwell" -> "ampwell-motors"),
    not a model or a category ("ridgeline-ev", "ridgeline-suv")."""
    if not long.startswith(short + "-"):
        return False
    extra = long[len(short) + 1 :].split("-")
    return all(len(w) >= 4 and zipf(w) >= 3.5 for w in extra)


def names_in(
    matcher: ActiveTopics,
    active: Mapping[str, list[Any]],
    ev: Evidence,
    ceiling: float,
    own: Mapping[str, str],
) -> tuple[dict[str, Counts], list[str]]:
    """(discovered tag -> counts for topics under the ceiling, every active key matched).

    A name is spelled as fully as this entry or the library spells it: an
    acronym of a recurring long name is that name ("DPC"), and a short name
    this entry gives in full ("Ampwell", "Ampwell Motors") takes the full form.
    """
    found = matcher.counts(ev)
    out: dict[str, Counts] = {}
    longer = sorted({t for t in own.values() if "-" in t}, key=lambda t: (t.count("-"), t))
    for k, c in found.items():
        rec = active[k]
        if rec[1] > ceiling:
            continue
        tag = rec[0]
        if "-" not in tag:
            full = matcher.by_initials.get(tag, set())
            if len(full) == 1:
                tag = next(iter(full))
        tag = next((t for t in longer if _spelled_out(tag, t)), tag)
        o = out.get(tag, (0, 0, 0))
        out[tag] = (o[0] + c[0], o[1] + c[1], o[2] + c[2])  # spellings of one name add up
    return fold_names(join_of_names(out, ev.raw, _tag_of(out))), list(found)


def _tag_of(found: Mapping[str, Counts]) -> Callable[[str], str]:
    """``normalize_tag``, but a name of ``found`` that kept its plural is met as itself.

    "Locomotive Crews" is the name "locomotive-crews" this entry found
    (``pluralnames``), so "Federation of Locomotive Crews" joins it.
    """
    kept = {normalize_tag(t): t for t in found if kept_plural_id(t)}
    if not kept:
        return normalize_tag
    return lambda s: kept.get(normalize_tag(s), normalize_tag(s))
