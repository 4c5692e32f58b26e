"""The Reader pane: one entry, laid out as the digest structures it.

Every piece of entry text is wrapped in ``rich.text.Text`` / ``Content`` built
from the plain string (after ``safe_text``), never formatted into markup: a
title such as ``[@click=app.quit]`` must stay text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Collapsible, OptionList, Static
from textual.widgets.option_list import Option

from store.api import reading_time
from store.models import Entry, Marks, Section
from tui.text import block as safe_text
from tui.text import line as safe_line


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """One related entry, with the tags it shares (the reason it is listed)."""

    id: str
    title: str
    shared_tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class StoryLine:
    """The story an entry belongs to, as the reader shows it: "In story: label (N sources)"."""

    label: str
    sources: int


NOTHING_RELATED = "Nothing related yet"


def web_link(url: str | None) -> str | None:
    """The link if it is http(s); anything else (javascript:, file:, data:) is not opened."""
    if not url:
        return None
    clean = safe_line(url)
    try:
        scheme = urlsplit(clean).scheme.lower()
    except ValueError:
        return None
    return clean if scheme in ("http", "https") else None


def duration(seconds: int | None) -> str:
    """h:mm:ss / m:ss for a podcast duration; '' when absent or absurd."""
    if not seconds or seconds < 0 or seconds > 7 * 24 * 3600:
        return ""
    h, rest = divmod(int(seconds), 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def section_title(s: Section) -> Content:
    """'7. 💰 The $6 Million Myth Debunked' as literal Content."""
    head = " ".join(x for x in (f"{s.number}." if s.number else None, s.icon, s.title) if x)
    return Content(safe_line(head) or "(section)")


def plain(text: str, style: str = "") -> Static:
    """A Static showing ``text`` literally (no markup)."""
    return Static(Text(safe_text(text), style=style))


SELECT_HINT = "Select an entry; enter reads it."


class Reader(VerticalScroll, can_focus=True):
    """Shows one entry; posts ``Reader.OpenRelated`` when a related entry is chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "lines(1)", "Scroll down", show=False, id="reader-down"),
        Binding("k,up", "lines(-1)", "Scroll up", show=False, id="reader-up"),
        Binding("space", "page(1)", "Page down", show=False, id="reader-page-down"),
        Binding("shift+space", "page(-1)", "Page up", show=False, id="reader-page-up"),
        Binding("e", "toggle_sections", "Sections", id="reader-toggle-sections"),
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
            "focus_section(1)",
            "Next section",
            key_display="]",
            show=False,
            id="reader-next-section",
        ),
        Binding(
            "left_square_bracket",
            "focus_section(-1)",
            "Previous section",
            key_display="[",
            show=False,
            id="reader-prev-section",
        ),
    ]

    class OpenRelated(Message):
        """The user chose a related entry."""

        def __init__(self, reader: Reader, entry_id: str) -> None:
            super().__init__()
            self.reader = reader
            self.entry_id = entry_id

        @property
        def control(self) -> Reader:
            return self.reader

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
        also: Mapping[int, Sequence[str]] | None = None,
    ) -> None:
        """Lay the entry out; scroll back to the top.

        ``story``: the story the entry is part of; ``also``: for a key point
        (by index) that other sources state too, their names.
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
            widgets.append(Static(self._story_text(story), classes="reader-story"))
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
            widgets.append(self._bullets(entry.key_points, "•", also or {}))
        if entry.sections:
            widgets.append(
                Static(
                    Text(f"Details ({len(entry.sections)} sections)"),
                    classes="reader-heading reader-details",
                )
            )
            widgets.extend(self._section(s) for s in entry.sections)
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
        widgets.append(Static(self._tags_text(*tags), id="reader-tags"))
        widgets.append(Static(Text("Related"), classes="reader-heading"))
        if related:
            opts = [Option(self._related_text(r), id=r.id) for r in related]
            widgets.append(OptionList(*opts, id="reader-related"))
        else:
            widgets.append(Static(Text(NOTHING_RELATED), classes="reader-hint reader-no-related"))
        await self._replace(widgets)

    def update_marks(self, marks: Marks, tags: tuple[Sequence[str], Sequence[str]]) -> None:
        """Marks changed: redraw only the marks and tags lines (keeps scroll and folds)."""
        for wid, content in (
            ("#reader-marks", self._marks_text(marks)),
            ("#reader-tags", self._tags_text(*tags)),
        ):
            for w in self.query(wid).results(Static):
                w.update(content)

    # -- pieces ----------------------------------------------------------------
    @staticmethod
    def _meta(entry: Entry) -> Text:
        date = entry.published or (entry.digest.date if entry.digest else None)
        parts = [
            (date or "")[:10],
            entry.source.name,
            f"by {entry.author}" if entry.author else "",
            reading_time(entry.reading_minutes),
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
        for t in auto:
            text.append("#" + safe_line(t), "bold")
            text.append(" ")
        for t in user:
            text.append("#" + safe_line(t), "bold underline")
            text.append(" ")
        if user:
            text.append("(underlined: yours)", "dim")
        return text

    @staticmethod
    def _related_text(r: RelatedItem) -> Text:
        text = Text(safe_line(r.title) or "(untitled)")
        if r.shared_tags:
            text.append("  — shares " + ", ".join(safe_line(t) for t in r.shared_tags), "dim")
        return text

    @staticmethod
    def _story_text(story: StoryLine) -> Text:
        text = Text("In story: ", "bold")
        text.append(safe_line(story.label) or "(untitled)")
        text.append(f" ({story.sources} sources)", "dim")
        return text

    @staticmethod
    def _bullets(
        items: Sequence[str], mark: str, also: Mapping[int, Sequence[str]] | None = None
    ) -> Static:
        """Bullets with a hanging indent (a two-column grid wraps under the text).

        A point other sources state too gets "also: Odd Lots, The Energy Desk"
        under it, and a different mark.
        """
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for i, item in enumerate(items):
            others = (also or {}).get(i)
            if not others:
                grid.add_row(Text(" " + mark), Text(safe_text(item)))
                continue
            cell = Text(safe_text(item))
            cell.append("\n")
            cell.append("also: " + ", ".join(safe_line(o) for o in others), "italic dim")
            grid.add_row(Text(" ≡"), cell)
        return Static(grid, classes="reader-bullets")

    def _section(self, s: Section) -> Collapsible:
        children: list[Widget] = []
        if s.text:
            children.append(plain(s.text))
        if s.bullets:
            children.append(self._bullets(s.bullets, "•"))
        children.extend(self._section(sub) for sub in s.sections)
        if not children:
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

    def _sections(self) -> list[Collapsible]:
        """The top-level detail sections, in order (nested ones fold with their parent)."""
        return [c for c in self.query(".reader-section").results(Collapsible) if c.parent is self]

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

    def action_focus_section(self, step: int) -> None:
        """] / [: move the focus to the next / previous section header (enter toggles it).

        Tab cannot reach the headers (it switches panes), so these keys do; the
        reader's other keys keep working while a header has the focus.
        """
        # by type name: CollapsibleTitle is not exported by textual.widgets
        titles: list[Widget] = [c.query_one("CollapsibleTitle") for c in self._sections()]
        if not titles:
            return
        focused = self.screen.focused
        index = titles.index(focused) if focused in titles else (-1 if step > 0 else 0)
        target = titles[(index + step) % len(titles)]
        target.focus()
        self.scroll_to_widget(target, animate=False)

    @on(OptionList.OptionSelected, "#reader-related")
    def _related_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.OpenRelated(self, event.option.id))
