"""The reader's stops: the rows the keyboard can land on, and the facts lines they show.

A key point, a detail bullet, a related entry and the story line are each a
focusable row, so that the reader's keyboard path (``]``/``[``, ``}``/``{``,
``enter``, ``backspace``) reaches everything a mouse could click. Every text is
built from the plain string (``safe_line``/``safe_text``), never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from store.models import Enclosure
from tui.text import block as safe_text
from tui.text import line as safe_line


@dataclass(frozen=True, slots=True)
class Jump:
    """An entry the reader can jump to (a related entry, a story's, a linked point's)."""

    id: str
    title: str
    source: str


@dataclass(frozen=True, slots=True)
class RelatedItem:
    """One related entry: where it comes from and why it is listed (its reasons)."""

    id: str
    title: str
    shared_tags: tuple[str, ...]
    show: str | None = None
    source: str = ""
    date: str = ""


@dataclass(frozen=True, slots=True)
class StoryLine:
    """The story an entry belongs to, as the reader shows it: "In story: label (N sources)".

    ``entries``: the story's other entries, which ``enter`` on the line offers.
    """

    label: str
    sources: int
    entries: tuple[Jump, ...] = ()


# type names of the point rows: a key point, or a bullet of a detail section
KEY_POINT = "key"
DETAIL = "detail"
KEPT_MARK = "★"


class PointRow(Static, can_focus=True):
    """One bullet; ``also`` are the entries of other sources that state it too."""

    def __init__(
        self, text: str, mark: str, kind: str, index: int, also: tuple[Jump, ...] = ()
    ) -> None:
        super().__init__(classes="reader-point")
        self.text = text
        self.mark = mark
        self.kind = kind
        self.index = index
        self.also = also
        self.kept = False
        self.note = ""
        self.update(self._render_row())

    def set_kept(self, kept: bool, note: str = "") -> None:
        """Show (or stop showing) the kept badge: the point is one the user keeps."""
        self.kept, self.note = kept, note
        self.set_class(kept, "kept")
        self.update(self._render_row())

    def _render_row(self) -> Table:
        """A two-column grid: the bullet mark hangs, the text wraps under itself."""
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        mark = " ≡" if self.also else " " + self.mark
        cell = Text(safe_text(self.text))
        if self.kept:
            cell.append(f"  {KEPT_MARK} kept", "bold")
            if self.note:
                cell.append(" — " + safe_line(self.note), "italic")
        if self.also:
            cell.append("\n")
            cell.append("also: " + ", ".join(safe_line(a.source) for a in self.also), "italic dim")
        grid.add_row(Text(mark), cell)
        return grid


class RelatedRow(Static, can_focus=True):
    """A related entry: its title, then where it comes from, its date and its reasons."""

    def __init__(self, item: RelatedItem) -> None:
        super().__init__(related_grid(item), classes="reader-related-row")
        self.item = item


class StoryRow(Static, can_focus=True):
    """The "In story: …" line; ``enter`` offers the story's other entries."""

    def __init__(self, story: StoryLine) -> None:
        super().__init__(story_text(story), classes="reader-story")
        self.story = story


def related_text(r: RelatedItem) -> Text:
    """'Title' over 'Show · 2025-04-09 · shares recall, battery-fires' (plain text)."""
    text = Text(safe_line(r.title) or "(untitled)")
    facts = related_facts(r)
    if facts:
        text.append("\n" + facts, "dim")
    return text


def related_facts(r: RelatedItem) -> str:
    facts = [safe_line(x) for x in (r.show or r.source, r.date[:10]) if x]
    if r.shared_tags:
        facts.append("shares " + ", ".join(safe_line(t) for t in r.shared_tags))
    return " · ".join(facts)


def related_grid(r: RelatedItem) -> Table:
    """The row as shown: a mark that hangs, the title and facts wrapping under themselves."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(" ›"), related_text(r))
    return grid


def story_text(story: StoryLine) -> Text:
    text = Text("In story: ", "bold")
    text.append(safe_line(story.label) or "(untitled)")
    text.append(f" ({story.sources} sources)", "dim")
    return text


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


def spoken_duration(seconds: int | None) -> str:
    """'1 h 12 min', '42 min', '50 s': how long an episode is, for the meta line."""
    if not duration(seconds):
        return ""
    assert seconds is not None
    h, rest = divmod(int(seconds), 3600)
    m = rest // 60
    if h:
        return f"{h} h {m} min" if m else f"{h} h"
    return f"{m} min" if m else f"{int(seconds)} s"


# media types whose usual file extension is not their subtype
_KINDS = {"mpeg": "mp3", "mpeg3": "mp3", "x-m4a": "m4a", "mp4a-latm": "m4a", "x-wav": "wav"}


def media_kind(enc: Enclosure) -> str:
    """'mp3', 'm4a', 'mp4'…: from the media type, else from the URL's extension."""
    if enc.type and "/" in enc.type:
        sub = enc.type.split("/", 1)[1].split(";", 1)[0].strip().lower()
        kind = _KINDS.get(sub, sub)
        if kind.isalnum() and len(kind) <= 5:
            return kind
    try:
        path = urlsplit(enc.url).path
    except ValueError:
        return ""
    ext = path.rsplit(".", 1)[-1].lower() if "." in path.rsplit("/", 1)[-1] else ""
    return ext if ext.isalnum() and len(ext) <= 5 else ""


def media_facts(enc: Enclosure | None) -> str:
    """'1 h 12 min · 48.3 MB mp3': what a listener wants to know before pressing a."""
    if enc is None:
        return ""
    size = ""
    if enc.length and enc.length > 0:
        mb = enc.length / 1_000_000
        size = f"{mb:.1f} MB" if mb < 1000 else f"{mb / 1000:.1f} GB"
    kind = media_kind(enc)
    media = " ".join(x for x in (size, kind) if x)
    return " · ".join(x for x in (spoken_duration(enc.duration_seconds), media) if x)
