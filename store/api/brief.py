"""The brief of what is new: build it, leave it (the visit), mark a group read, hide one.

Part of the door (``store.api``); see its docstring. The grouping lives in
``store.index.brief``; here are the verbs the brief screen and ``digest-tui
brief`` share, and the brief's JSON and Markdown forms.

Muted entries are never listed: the brief leaves out what the mute rules hide
(``store.index.mute``), as every list does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from store.storage.library import Library
from store.text import screen_line

if TYPE_CHECKING:
    from store.index.brief import Brief, BriefEntry, BriefGroup


def brief(
    lib: Library,
    since: str | None = None,
    *,
    complete: bool = True,
) -> Brief:
    """What arrived since the last visit (or is dated since ``since``), grouped.

    ``complete`` (scripts): every entry placed in its story first; the UI
    passes False (bounded work, as for ``related``).

    Reading it does not advance the visit: ``leave_brief`` does (the UI when it
    quits, ``digest-tui brief --mark-seen``).
    """
    from store.index.brief import build
    from store.index.mute import muted_ids

    return build(lib, since=since, hidden=muted_ids(lib), complete=complete)


def last_visit(lib: Library) -> str | None:
    """When the user last looked at what is new (ISO time, UTC), or None if never."""
    from store.index.brief import last_visit as visit

    return visit(lib)


def leave_brief(lib: Library, seen: Brief | Iterable[str] | None = None) -> bool:
    """Advance the last visit: a brief's entries (or these ids, or, with None, the
    whole library: the user quits the UI) are seen. True when anything changed."""
    from store.index.brief import Brief, mark_seen

    if seen is None:
        return mark_seen(lib, None)
    return mark_seen(lib, seen.new_ids if isinstance(seen, Brief) else seen)


def mark_group_read(lib: Library, group: BriefGroup) -> list[str]:
    """Mark every entry of a group read: one undo step."""
    return lib.set_read([e.id for e in group.entries], True)


def hide_group(lib: Library, group: BriefGroup) -> None:
    """Hide a group from every later brief: one undo step."""
    from store.index.brief import hide_group as hide

    hide(lib, group)


# -- forms -----------------------------------------------------------------------


def _entry_json(e: BriefEntry) -> dict[str, Any]:
    return {"id": e.id, "title": e.title, "source": e.source, "date": e.date}


def brief_json(b: Brief) -> dict[str, Any]:
    """{since, groups: [{id, label, sources, entries, points}], singletons: [...]}."""
    return {
        "since": b.since,
        "groups": [
            {
                "id": g.id,
                "kind": g.kind,
                "label": g.label,
                "sources": g.sources,
                "counts": g.counts,
                "unread": g.unread,
                "entries": [_entry_json(e) for e in g.entries],
                "points": [
                    {"text": p.text, "entry": p.entry, "source": p.source} for p in g.points
                ],
            }
            for g in b.groups
        ],
        "singletons": [_entry_json(e) for e in b.singletons],
        "hidden_groups": b.hidden,
    }


def since_line(b: Brief) -> str:
    """ "since 2026-12-02 05:55 UTC", "since 2025-04-10", or "since the start (no visit yet)"."""
    if b.since is None:
        return "since the start (no visit yet)"
    if "T" in b.since:
        return "since " + b.since[:16].replace("T", " ") + " UTC"
    return "since " + b.since


def _md(text: str) -> str:
    """Outside text as literal Markdown: one line, the characters that would format escaped."""
    out = screen_line(text)
    for ch in "\\`*_[]<>#|":
        out = out.replace(ch, "\\" + ch)
    return out


def _md_link(text: str, link: str | None) -> str:
    if link and link.lower().startswith(("http://", "https://")):
        url = link.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        return f"[{_md(text)}]({url})"
    return _md(text)


def brief_markdown(b: Brief) -> str:
    """The brief as a Markdown page to mail oneself: a heading a group, points as bullets."""
    n = len(b.new_ids)
    out = [f"# What is new, {since_line(b)}", ""]
    out += [f"{n} new entr{'y' if n == 1 else 'ies'} · {len(b.groups)} groups", ""]
    for g in b.groups:
        out += [f"## {_md(g.label)}", "", f"*{g.counts}: {_md(', '.join(g.sources))}*", ""]
        out += [f"- {_md(p.text)} — {_md_link(p.source, p.link)}" for p in g.points]
        out += ["", "Entries:", ""]
        out += [
            f"- {_md_link(e.title, e.link)} — {_md(e.source)}, {e.date[:10]}" for e in g.entries
        ]
        out.append("")
    if b.singletons:
        out += ["## Also new", ""]
        out += [
            f"- {_md_link(e.title, e.link)} — {_md(e.source)}, {e.date[:10]}" for e in b.singletons
        ]
        out.append("")
    if b.empty:
        out += ["Nothing new.", ""]
    return "\n".join(out).rstrip() + "\n"


def brief_text(b: Brief) -> list[str]:
    """The brief as plain lines for a terminal (``digest-tui brief``)."""
    out = [f"What is new, {since_line(b)}: {len(b.new_ids)} entries, {len(b.groups)} groups"]
    for g in b.groups:
        out += ["", f"{g.label}", f"  {g.counts}: {', '.join(g.sources)}"]
        out += [f"  • {p.text} — {p.source}" for p in g.points]
        out += [
            f"    {e.id[:8]} {e.date[:10]:<10} {e.source[:22]:<22} {e.title}" for e in g.entries
        ]
    if b.singletons:
        out += ["", "Also new"]
        out += [
            f"  {e.id[:8]} {e.date[:10]:<10} {e.source[:22]:<22} {e.title}" for e in b.singletons
        ]
    if b.empty:
        out += ["", "Nothing new."]
    if b.hidden:
        out += ["", f"({b.hidden} hidden group{'s' if b.hidden != 1 else ''} left out)"]
    return [_indented(x) for x in out]


def _indented(x: str) -> str:
    """A terminal-safe line that keeps its indentation."""
    body = x.lstrip(" ")
    return x[: len(x) - len(body)] + screen_line(body)
