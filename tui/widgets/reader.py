"""The Reader pane: one entry, laid out as the digest structures it.

Every piece of entry text is wrapped in ``rich.text.Text`` / ``Content`` built
from the plain string (after ``safe_text``), never formatted into markup: a
title such as ``[@click=app.quit]`` must stay text.

The keyboard reaches everything in it (``tui.widgets.reader_path``): section
headers, related entries, the story line and linked points are stops of
``]``/``[``; ``}``/``{`` move a point cursor over key points and the bullets
of open sections; ``enter`` acts on the stop, ``backspace`` goes back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Collapsible, Static

from store.api import reading_time
from store.models import Entry, Marks, Section
from tui.keys import READER_PANE_BINDINGS
from tui.text import block as safe_text
from tui.text import line as safe_line
from tui.widgets.reader_parts import (
    DETAIL,
    KEY_POINT,
    Jump,
    PointRow,
    RelatedItem,
    RelatedRow,
    StoryLine,
    StoryRow,
    duration,
    media_facts,
    web_link,
)
from tui.widgets.reader_path import ReaderPath

__all__ = [
    "NOTHING_RELATED",
    "SELECT_HINT",
    "Jump",
    "Reader",
    "RelatedItem",
    "StoryLine",
    "duration",
    "web_link",
]

NOTHING_RELATED = "Nothing related yet"
SELECT_HINT = "Select an entry; enter reads it."


def section_title(s: Section) -> Content:
    """'7. 💰 The $6 Million Myth Debunked' as literal Content."""
    head = " ".join(x for x in (f"{s.number}." if s.number else None, s.icon, s.title) if x)
    return Content(safe_line(head) or "(section)")


def plain(text: str, style: str = "") -> Static:
    """A Static showing ``text`` literally (no markup)."""
    return Static(Text(safe_text(text), style=style))


class Reader(ReaderPath, can_focus=True):
    """Shows one entry; posts ``Reader.OpenRelated`` when an entry to jump to is chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "lines(1)", "Scroll down", show=False, id="reader-down"),
        Binding("k,up", "lines(-1)", "Scroll up", show=False, id="reader-up"),
        Binding("space", "page(1)", "Page / next unread", show=False, id="reader-page-down"),
        Binding("shift+space", "page(-1)", "Page up", show=False, id="reader-page-up"),
        Binding("e", "toggle_sections", "Sections", show=False, id="reader-toggle-sections"),
        # one key per detail section: 1..9, and 0 for the tenth
        *(
            Binding(
                str(n % 10),
                f"toggle_section({n})",
                f"Section {n}",
                show=False,
                id=f"reader-section-{n}",
            )
            for n in range(1, 11)
        ),
        Binding(
            "right_square_bracket",
            "stop(1)",
            "Next stop",
            key_display="]",
            id="reader-next-section",
        ),
        Binding(
            "left_square_bracket",
            "stop(-1)",
            "Previous stop",
            key_display="[",
            show=False,
            id="reader-prev-section",
        ),
        # } / { as vim's paragraph keys (K is the Kept screen's)
        Binding(
            "right_curly_bracket",
            "point(1)",
            "Next point",
            key_display="}",
            id="reader-next-point",
        ),
        Binding(
            "left_curly_bracket",
            "point(-1)",
            "Previous point",
            key_display="{",
            show=False,
            id="reader-prev-point",
        ),
        Binding("enter", "activate", "Open", id="reader-go"),
        Binding("h", "keep(False)", "Keep point", id="reader-keep"),
        Binding("H", "keep(True)", "Keep with note", show=False, id="reader-keep-note"),
        Binding("backspace,escape", "back", "Back", id="reader-back"),
        *READER_PANE_BINDINGS,
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entry: Entry | None = None

    def compose(self):  # noqa: ANN201 - ComposeResult
        yield Static(Text(SELECT_HINT), classes="reader-hint")

    # -- content ---------------------------------------------------------------
    async def show_message(self, message: str) -> None:
        """Replace the content with a plain message (empty library, errors)."""
        self.entry = None
        await self._replace([Static(Text(safe_text(message)), classes="reader-hint")])

    async def _replace(self, widgets: list[Widget]) -> None:
        """Swap the children in one update; awaiting the removal first, or the old
        children's teardown can race the new ones' mount."""
        with self.app.batch_update():
            await self.remove_children()
            await self.mount_all(widgets)
        self.scroll_home(animate=False)

    async def show_entry(
        self,
        entry: Entry,
        marks: Marks,
        tags: tuple[Sequence[str], Sequence[str]],
        related: Sequence[RelatedItem],
        story: StoryLine | None = None,
        also: Mapping[int, Sequence[Jump]] | None = None,
        tags_pending: bool = False,
        unsigned: int = 0,
    ) -> None:
        """Lay the entry out; scroll back to the top.

        ``story``: the story the entry is part of; ``also``: for a key point
        (by index) that other sources state too, their entries; ``unsigned``:
        entries not compared yet (said under the related ones, which come from
        the others).
        """
        self.entry = entry
        widgets: list[Widget] = []
        if entry.show:
            widgets.append(plain(entry.show, "bold"))
            widgets[-1].add_class("reader-show")
        title = Static(Text(safe_line(entry.title) or "(untitled)"), classes="reader-title")
        widgets.append(title)
        widgets.append(Static(self._meta(entry), classes="reader-meta"))
        widgets.append(Static(self._marks_text(marks), id="reader-marks", classes="reader-meta"))
        if story is not None:
            widgets.append(StoryRow(story))
        # links stay on one line (cut with …): wrapped, a long URL left its icon
        # alone on a line; o opens and y copies the whole link
        if entry.link:
            link = Text("🔗 " + safe_line(entry.link), no_wrap=True, overflow="ellipsis")
            widgets.append(Static(link, classes="reader-link"))
        if entry.enclosure:
            enc = entry.enclosure
            d = duration(enc.duration_seconds)
            line = ("🎧 " + (f"{d}  " if d else "")) + safe_line(enc.url)
            text = Text(line, no_wrap=True, overflow="ellipsis")
            widgets.append(Static(text, classes="reader-link"))
        if entry.summary:
            widgets.append(Static(Text("Summary"), classes="reader-heading"))
            widgets.append(plain(entry.summary))
        if entry.key_points:
            label = "Key points" + (" (derived)" if entry.key_points_derived else "")
            widgets.append(Static(Text(label), classes="reader-heading"))
            widgets.append(self._points(entry.key_points, KEY_POINT, also or {}))
        if entry.sections:
            widgets.append(
                Static(
                    Text(f"Details ({len(entry.sections)} sections)"),
                    classes="reader-heading reader-details",
                )
            )
            widgets.extend(self._section(s, top=True) for s in entry.sections)
        elif entry.body:
            widgets.append(plain(entry.body, ""))
        if entry.replies:
            replies = [plain(r, "").add_class("reader-reply") for r in entry.replies]
            widgets.append(
                Collapsible(
                    *replies,
                    title=Content(f"Replies ({len(entry.replies)})"),  # type: ignore[arg-type]
                    collapsed=True,
                    classes="reader-replies",
                )
            )
        widgets.append(Static(Text("Tags"), classes="reader-heading"))
        tag_line = Text("tags pending") if tags_pending else self._tags_text(*tags)
        widgets.append(Static(tag_line, id="reader-tags"))
        widgets.append(Static(Text("Related"), classes="reader-heading"))
        widgets.append(Vertical(*self._related_rows(related), id="reader-related"))
        if unsigned:
            note = f"about {unsigned:,} entries not compared yet (related ones come from the rest)"
            widgets.append(Static(Text(note), id="reader-unsigned", classes="reader-hint"))
        await self._replace(widgets)

    @staticmethod
    def _related_rows(related: Sequence[RelatedItem]) -> list[Widget]:
        if not related:
            return [Static(Text(NOTHING_RELATED), classes="reader-hint reader-no-related")]
        return [RelatedRow(r) for r in related]

    async def update_related(self, entry_id: str, related: Sequence[RelatedItem]) -> None:
        """Tags changed: show the related entries (and their reasons) as they are now.

        The focused row keeps the focus when it is still listed.
        """
        if self.entry is None or self.entry.id != entry_id:
            return
        box = self.query_one("#reader-related", Vertical)
        focused = self.screen.focused
        was = focused.item.id if isinstance(focused, RelatedRow) else None
        y = self.scroll_y
        with self.app.batch_update():
            await box.remove_children()
            await box.mount_all(self._related_rows(related))
        self.scroll_to(y=y, animate=False)
        if was is not None:
            for row in box.query(RelatedRow).results(RelatedRow):
                if row.item.id == was:
                    row.focus(scroll_visible=False)
                    return
            self.focus()

    def update_marks(self, marks: Marks, tags: tuple[Sequence[str], Sequence[str]]) -> None:
        """Marks changed: redraw only the marks and tags lines (keeps scroll and folds)."""
        for wid, content in (
            ("#reader-marks", self._marks_text(marks)),
            ("#reader-tags", self._tags_text(*tags)),
        ):
            for w in self.query(wid).results(Static):
                w.update(content)

    def show_kept(self, kept: Mapping[str, str]) -> None:
        """Badge the points the user keeps (point text -> note); the others lose it."""
        for row in self.query(PointRow).results(PointRow):
            note = kept.get(row.text.strip())
            if (note is not None) != row.kept or (note or "") != row.note:
                row.set_kept(note is not None, note or "")

    # -- pieces ----------------------------------------------------------------
    @staticmethod
    def _meta(entry: Entry) -> Text:
        date = entry.published or (entry.digest.date if entry.digest else None)
        parts = [
            (date or "")[:10],
            entry.source.name,
            f"by {entry.author}" if entry.author else "",
            reading_time(entry.reading_minutes),
            media_facts(entry.enclosure),
        ]
        extra = dict(entry.extra)
        if "chapter" in extra:
            parts.append("chapter " + extra["chapter"])
        return Text(safe_line(" · ".join(p for p in parts if p)))

    @staticmethod
    def _marks_text(marks: Marks) -> Text:
        parts = ["★ bookmarked" if marks.bookmarked else "☆ not bookmarked"]
        parts.append("read" if marks.read else "unread")
        return Text(" · ".join(parts))

    @staticmethod
    def _tags_text(auto: Sequence[str], user: Sequence[str]) -> Text:
        if not auto and not user:
            return Text("none (t adds one)")
        text = Text()
        mine = set(user)
        for t in auto:
            if t in mine:
                continue  # the user's own too: shown once, as theirs
            text.append("#" + safe_line(t), "bold")
            text.append(" ")
        for t in user:
            text.append("#" + safe_line(t), "bold underline")
            text.append(" ")
        if user:
            text.append("(underlined: yours)", "dim")
        return text

    @staticmethod
    def _points(
        items: Sequence[str], kind: str, also: Mapping[int, Sequence[Jump]] | None = None
    ) -> Vertical:
        """One focusable row per bullet, so the point cursor can stand on it.

        A point other sources state too gets "also: Odd Lots, The Energy Desk"
        under it, and a different mark.
        """
        rows = [
            PointRow(item, "•", kind, i, tuple((also or {}).get(i, ())))
            for i, item in enumerate(items)
        ]
        return Vertical(*rows, classes="reader-bullets")

    def _section(self, s: Section, *, top: bool = False) -> Widget:
        """A detail section folds; an empty sub-section is a plain line (no fold arrow)."""
        children: list[Widget] = []
        if s.text:
            children.append(plain(s.text))
        if s.bullets:
            children.append(self._points(s.bullets, DETAIL))
        children.extend(self._section(sub) for sub in s.sections)
        if not children:
            if not top:
                # the digits and [ / ] count top-level sections: only those keep a fold
                return Static(section_title(s), classes="reader-section-empty")
            children.append(Static(Text("(no details)", style="dim")))
        return Collapsible(
            *children,
            title=section_title(s),  # type: ignore[arg-type]
            collapsed=True,
            classes="reader-section",
        )

    # -- actions ---------------------------------------------------------------
    def action_lines(self, step: int) -> None:
        """Scroll without animation: held-down keys must not queue up animations."""
        self.scroll_to(y=self.scroll_y + step, animate=False)

    def action_page(self, step: int) -> None:
        """space pages down; at the bottom it asks for the next unread entry (newsboat's space)."""
        if step > 0 and self.entry is not None and self.scroll_y >= self.max_scroll_y:
            self.post_message(self.AtEnd())
            return
        self.scroll_to(y=self.scroll_y + step * max(1, self.size.height - 2), animate=False)

    def action_toggle_sections(self) -> None:
        """Expand every section if any is collapsed, else collapse them all."""
        sections = list(self.query(Collapsible).results(Collapsible))
        expand = any(c.collapsed for c in sections)
        for c in sections:
            c.collapsed = not expand
        # each Collapsible scrolls itself into view after a toggle; queued after
        # theirs, this brings the reader back to the start of the details
        heading = next(iter(self.query(".reader-details")), None)
        if heading is not None:
            self.call_after_refresh(self.scroll_to_widget, heading, top=True, animate=False)

    def action_toggle_section(self, number: int) -> None:
        """1..9, 0: open or close one detail section; an opened one is scrolled to the top."""
        sections = self._sections()
        if not 1 <= number <= len(sections):
            if self.entry is not None:
                self.app.notify(f"This entry has {len(sections)} detail section(s).", timeout=2)
            return
        section = sections[number - 1]
        section.collapsed = not section.collapsed
        if not section.collapsed:
            self.call_after_refresh(self.scroll_to_widget, section, top=True, animate=False)
