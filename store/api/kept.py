"""Kept points (highlights): keep a key point or detail bullet, list them, brief them.

Part of the door (``store.api``); see its docstring. The reader's ``h``/``H``,
the Kept screen and ``digest-tui kept/keep/unkeep`` all call these verbs. A
point is named by its entry id and its exact text (``store.storage.kept``
explains why, and how a re-ingest keeps it attached).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from store.errors import LibraryError, NotFound, UsageError
from store.storage import kept as store
from store.storage.library import Library
from store.text import clean_line, safe_url
from store.views import ORPHANED_NOTE, KeptPoint


def keep_point(lib: Library, entry_id: str, text: str, note: str = "") -> bool:
    """Keep a point of an entry; True when newly kept (a kept one gets the new note).

    ``text`` is stored exactly as given (the point's text as the entry holds
    it), so ``kept_texts`` answers in the reader's own strings.
    """
    if not text.strip():
        raise UsageError("a kept point needs its text")
    return store.keep(lib, entry_id, text, note.strip())


def unkeep_point(lib: Library, entry_id: str, text: str) -> bool:
    """Let a kept point go; True when it was kept."""
    return store.unkeep(lib, entry_id, text)


def kept_texts(lib: Library, entry_id: str) -> dict[str, str]:
    """One entry's kept point texts and their notes (cheap: a cached lookup)."""
    return {k.text: k.note for k in store.kept_of(lib, entry_id)}


def keepable_points(lib: Library, entry_id: str) -> list[str]:
    """The texts of an entry a user can keep, in reading order: key points, then bullets.

    Their 1-based positions are the numbers ``digest-tui keep ID N`` takes.
    """
    return store.entry_points(lib.get(entry_id))


def pick_point(lib: Library, entry_id: str, typed: str, *, kept: bool = False) -> str:
    """The point a user names by its number, its text or a unique prefix of it.

    Numbers count ``keepable_points``. ``kept``: also the entry's kept texts
    (one a re-ingest orphaned is no longer among the points, and can still go).
    """
    points = keepable_points(lib, entry_id)
    if kept:
        points += [t for t in kept_texts(lib, entry_id) if t not in points]
    typed = typed.strip()
    if typed.isdigit():
        n = int(typed)
        if not 1 <= n <= len(points):
            raise UsageError(f"no point {n}: the entry has {len(points)} (see `keep ID`)")
        return points[n - 1]
    if typed in points:
        return typed
    want = store.same_words(typed)
    hits = [p for p in points if want and store.same_words(p).startswith(want)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise UsageError(f"no point of the entry starts with {clean_line(typed)!r}")
    raise UsageError(f"{len(hits)} points start with {clean_line(typed)!r}; type more of it")


def kept_points(lib: Library, query: str = "") -> list[KeptPoint]:
    """Every kept point, newest first, with its entry's title, source, date and group.

    ``query``: words that must all begin a word of the point's text, note,
    entry title, source or group (any case, punctuation ignored).
    """
    records = sorted(
        enumerate(store.kept_all(lib)), key=lambda ik: (ik[1].kept_at, ik[0]), reverse=True
    )
    groups: dict[str, str] = {}  # entry id -> group, each entry's asked once
    out = [_view(lib, k, groups) for _i, k in records]
    words = store.same_words(query).split()
    return [p for p in out if _matches(p, words)] if words else out


def _view(lib: Library, k: store.Kept, groups: dict[str, str]) -> KeptPoint:
    try:
        row = lib.row(k.entry)
    except NotFound:  # an entry a restored older index does not list: the point stays
        row = None
    if row is None:
        return KeptPoint(k.entry, "", "", "", k.text, k.note, k.kept_at, "", None, k.orphaned)
    if k.entry not in groups:
        groups[k.entry] = _group(lib, k.entry)
    return KeptPoint(
        entry=k.entry,
        title=row.title,
        source=row.show or row.source,
        date=row.date[:10],
        text=k.text,
        note=k.note,
        kept_at=k.kept_at,
        group=groups[k.entry],
        link=row.link,
        orphaned=k.orphaned,
    )


def _group(lib: Library, entry_id: str) -> str:
    """The entry's story label, else its top tag ("#tag"), else "" (stories: bounded work)."""
    from store.index.stories import story_of

    try:
        story = story_of(lib, entry_id, complete=False)
    except LibraryError:  # a read-only library still lists its kept points
        story = None
    if story is not None and story.label:
        return story.label
    auto, user = lib.effective_tags(entry_id)
    tags = [*auto, *user]
    return "#" + tags[0] if tags else ""


def _matches(p: KeptPoint, words: Sequence[str]) -> bool:
    have = " " + store.same_words(" ".join((p.text, p.note, p.title, p.source, p.group)))
    return all(f" {w}" in have for w in words)


def _md_label(text: str) -> str:
    """Text that stays one link label / emphasis in Markdown (brackets, stars, ticks escaped)."""
    return "".join("\\" + c if c in "[]*_`<>\\" else c for c in text)


def kept_groups(points: Iterable[KeptPoint]) -> list[tuple[str, list[KeptPoint]]]:
    """Points by group, in the order given within each; the group of the first point
    first (newest first, for ``kept_points``), the points without a group last."""
    grouped: dict[str, list[KeptPoint]] = {}
    for p in points:
        grouped.setdefault(p.group, []).append(p)
    return sorted(grouped.items(), key=lambda kv: kv[0] == "")


def kept_markdown(points: Iterable[KeptPoint], title: str = "Kept points") -> str:
    """A Markdown brief of kept points grouped by story/tag (``kept --md``, ``export --kept``).

    Each point says where it is from (source, date, entry), the user's note,
    and links back: the entry's link and the command that shows it.
    """
    groups = kept_groups(points)
    out = [f"# {clean_line(title)}", ""]
    if not groups:
        out.append("Nothing kept yet.")
    for g, members in groups:
        out += [f"## {clean_line(g) or 'Other'}", ""]
        for p in members:
            out.append(f"- {clean_line(p.text)}")
            if p.note:
                out.append(f"  - Note: {clean_line(p.note)}")
            if p.orphaned:
                out.append(f"  - ({ORPHANED_NOTE})")
            where = [x for x in (clean_line(p.source), p.date) if x]
            entry = clean_line(p.title) or p.entry
            link = safe_url(p.link) if p.link else None
            where.append(f"[{_md_label(entry)}](<{link}>)" if link else f"*{_md_label(entry)}*")
            where.append(f"`digest-tui show {p.entry[:8]}`")
            out.append("  - " + " · ".join(where))
        out.append("")
    return "\n".join(out).rstrip() + "\n"
