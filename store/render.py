"""Plain-text and Markdown renderings of entries, shared by `show` and `export`."""

from __future__ import annotations

from collections.abc import Iterable

from store.models import Entry, Marks, Section


def reading_time(minutes: float | None) -> str:
    """'4 min read'; a short piece is '< 1 min read', not '0 min read'."""
    if not minutes:
        return ""
    # max(1, …): 0.5 rounds half to even, to 0
    return "< 1 min read" if minutes < 0.5 else f"{max(1, round(minutes))} min read"


def _section_lines(s: Section, depth: int, md: bool) -> list[str]:
    head = " ".join(x for x in (f"{s.number}." if s.number else None, s.icon, s.title) if x)
    out = [("#" * min(6, 3 + depth) + " " if md else "  " * depth) + head]
    if s.text:
        out += [("" if md else "  " * depth + "  ") + line for line in s.text.splitlines()]
    for b in s.bullets:
        out.append(("- " if md else "  " * depth + "  • ") + b)
    for sub in s.sections:
        out += _section_lines(sub, depth + 1, md)
    return out


def entry_text(
    e: Entry,
    m: Marks,
    auto: Iterable[str] = (),
    related: Iterable[tuple[str, str, list[str]]] = (),
    *,
    tags_pending: bool = False,
) -> str:
    """The `show` view: everything an entry holds, readable in a terminal.

    ``tags_pending``: not derived yet, so its automatic tags are to come, not
    absent; it says so, as the reader does.
    """
    lines: list[str] = []
    head = f"{e.show} — {e.title}" if e.show else e.title
    lines.append(head)
    meta = [f"id {e.id}", f"source {e.source.name}"]
    if e.digest and (e.digest.title or e.digest.date):
        meta.append("digest " + " ".join(x for x in (e.digest.date, e.digest.title) if x))
    if e.published:
        meta.append(f"published {e.published}")
    if e.author:
        meta.append(f"by {e.author}")
    if e.reading_minutes:
        meta.append(reading_time(e.reading_minutes))
    lines.append(" · ".join(meta))
    marks = [x for x, on in (("bookmarked", m.bookmarked), ("read", m.read)) if on]
    if marks:
        lines.append("[" + ", ".join(marks) + "]")
    if e.link:
        lines.append(f"link: {e.link}")
    if e.enclosure:
        dur = e.enclosure.duration_seconds
        d = f" ({dur // 3600}:{dur % 3600 // 60:02d}:{dur % 60:02d})" if dur else ""
        lines.append(f"audio: {e.enclosure.url}{d}")
    if e.summary:
        lines += ["", e.summary]
    if e.key_points:
        lines += ["", "Key points" + (" (derived)" if e.key_points_derived else "") + ":"]
        lines += [f"  • {k}" for k in e.key_points]
    if e.sections:
        lines += ["", "Details:"]
        for s in e.sections:
            lines += _section_lines(s, 1, md=False)
    if e.body and not e.sections:
        lines += ["", e.body]
    if e.replies:
        lines += ["", f"Replies ({len(e.replies)}):"]
        for r in e.replies:
            lines += ["  > " + x for x in r.splitlines()] + [""]
    yours = [f"{t} (yours)" for t in m.user_tags]
    if tags_pending:
        lines += ["", "Tags pending" + "".join(f", {t}" for t in yours)]
    elif (auto := list(auto)) or yours:
        lines += ["", "Tags: " + ", ".join([*auto, *yours])]
    rel = list(related)
    if rel:
        lines += ["", "Related:"]
        for rid, title, shared in rel:
            lines.append(f"  {rid[:8]}  {title}  — shares {', '.join(shared)}")
    return "\n".join(lines)


def entries_markdown(items: Iterable[tuple[Entry, Marks]], title: str = "digest-tui export") -> str:
    """A readable Markdown digest of the selection (`export --format md`)."""
    out = [f"# {title}", ""]
    for e, m in items:
        out.append(f"## {e.show} — {e.title}" if e.show else f"## {e.title}")
        meta = [
            x for x in (e.source.name, e.published or (e.digest.date if e.digest else None)) if x
        ]
        if e.link:
            meta.append(f"<{e.link}>")
        out += ["", "*" + " · ".join(meta) + "*" if meta else "", ""]
        if e.summary:
            out += [e.summary, ""]
        if e.key_points:
            out += ["### Key Points", ""] + [f"- {k}" for k in e.key_points] + [""]
        if e.sections:
            out += ["### Details", ""]
            for s in e.sections:
                out += _section_lines(s, 1, md=True) + [""]
        elif e.body:
            out += [e.body, ""]
        tags = [*e.auto_tags, *m.user_tags]
        if tags:
            out += ["Tags: " + ", ".join(f"`{t}`" for t in dict.fromkeys(tags)), ""]
    return "\n".join(out).rstrip() + "\n"
