"""Every key binding of the app in one table, each with an id.

The ids are what ``App.set_keymap`` rebinds (a user keymap in the library's
``ui.json`` side file: ``{"keymap": {"bookmark": "B"}}``) and what the help
screen lists; the palette offers the same actions by name.
"""

from __future__ import annotations

from textual.binding import Binding

APP_BINDINGS: list[Binding] = [
    Binding("q", "quit_or_back", "Quit", id="quit"),
    Binding("question_mark", "help", "Help", key_display="?", id="help"),
    Binding(
        "ctrl+p", "command_palette", "Palette", show=False, priority=True, id="command-palette"
    ),
]

MAIN_BINDINGS: list[Binding] = [
    Binding("tab", "pane(1)", "Next pane", show=False, priority=True, id="pane-next"),
    Binding("shift+tab", "pane(-1)", "Previous pane", show=False, priority=True, id="pane-prev"),
    Binding("slash", "search", "Search", key_display="/", id="search"),
    Binding("b", "toggle_bookmark", "Bookmark", id="bookmark"),
    Binding("t", "add_tag", "Tag", id="add-tag"),
    Binding("T", "remove_tag", "Untag", show=False, id="remove-tag"),
    Binding("m", "toggle_read", "Read/unread", show=False, id="toggle-read"),
    Binding("n", "step_entry(1)", "Next", show=False, id="next-entry"),
    Binding("p", "step_entry(-1)", "Prev", show=False, id="prev-entry"),
    Binding("N", "step_unread(1)", "Next unread", show=False, id="next-unread"),
    Binding("P", "step_unread(-1)", "Previous unread", show=False, id="prev-unread"),
    Binding("u,ctrl+z", "undo", "Undo", show=False, id="undo"),
    Binding("A", "mark_view_read", "All read", show=False, id="mark-view-read"),
    Binding("S", "save_search", "Save this search", show=False, id="save-search"),
    Binding("M", "mute", "Mute", show=False, id="mute"),
    Binding("r", "refresh", "Refresh", id="refresh"),
    Binding("F", "feeds", "Feeds", show=False, id="feeds"),
    Binding("K", "kept", "Kept points", show=False, id="kept"),
    Binding("B", "brief", "Brief", show=False, id="brief"),
    Binding("o", "open_link", "Open link", show=False, id="open-link"),
    Binding("y", "copy_link", "Copy link", show=False, id="copy-link"),
    Binding("a", "play_audio", "Play audio", show=False, id="play-audio"),
    Binding("escape", "escape", "Back / clear search", show=False, id="escape"),
]

# The brief screen's keys (tui/screens/brief.py); its footer shows them.
BRIEF_BINDINGS: list[Binding] = [
    Binding("j,down", "cursor(1)", "Down", show=False, id="brief-down"),
    Binding("k,up", "cursor(-1)", "Up", show=False, id="brief-up"),
    Binding("enter", "open", "Open", id="brief-open"),
    Binding("m", "mark_group_read", "Group read", id="brief-mark-read"),
    Binding("x", "hide_group", "Hide group", id="brief-hide"),
    Binding("u,ctrl+z", "undo", "Undo", id="brief-undo"),
    Binding("escape,B", "close", "Main screen", id="brief-close"),
]

# The keys of the entry shown, repeated in the reader pane so that its footer
# lists them (17.9): there they act on the reader's entry (17.6). The actions
# are the screen's, so a key does the same thing in every pane.
READER_PANE_BINDINGS: list[Binding] = [
    Binding("b", "screen.toggle_bookmark", "Bookmark", id="reader-bookmark"),
    Binding("m", "screen.toggle_read", "Read", id="reader-read"),
    Binding("t", "screen.add_tag", "Tag", id="reader-tag"),
    Binding("T", "screen.remove_tag", "Untag", id="reader-untag"),
    Binding("o", "screen.open_link", "Open", id="reader-open-link"),
    Binding("y", "screen.copy_link", "Copy", id="reader-copy-link"),
    Binding("a", "screen.play_audio", "Play", id="reader-play-audio"),
    # q in the reader goes back to the list: the app's binding would say "Quit" there,
    # and the footer has backspace's "Back" already (after a jump: back to the entry)
    Binding("q", "app.quit_or_back", "Back to the list", show=False, id="reader-quit"),
]

# The list pane's footer: what acts on the cursor's entry and on the view.
LIST_PANE_BINDINGS: list[Binding] = [
    Binding("m", "screen.toggle_read", "Read", id="list-read"),
    Binding("N", "screen.step_unread(1)", "Next unread", id="list-next-unread"),
    Binding("A", "screen.mark_view_read", "All read", id="list-all-read"),
    Binding("u", "screen.undo", "Undo", id="list-undo"),
]

# Actions offered by name in the palette only (no key of their own): (action, title, help).
PALETTE_ACTIONS: list[tuple[str, str, str]] = [
    (
        "mark_view_read('above')",
        "Mark read above the cursor",
        "Every entry above, cursor's included",
    ),
    (
        "mark_view_read('below')",
        "Mark read below the cursor",
        "Every entry below, cursor's included",
    ),
    ("bookmark_view", "Bookmark every entry of this view", "Asks first; u undoes"),
    ("tag_view", "Tag every entry of this view", "One tag on the whole view; u undoes"),
    ("rename_search", "Rename a saved search", "Pick one, type its new name; u undoes"),
    ("delete_search", "Delete a saved search", "Its entries stay; u undoes"),
    ("unmute", "Remove a mute rule", "Its entries come back; u undoes"),
]

# What each action does, for the palette and the help screen (action -> help).
ACTION_HELP: dict[str, str] = {
    "quit_or_back": "Back to the list from the reader; elsewhere leave digest-tui",
    "help": "List every key",
    "command_palette": "Actions, sources, tags and themes by name",
    "pane(1)": "Move to the next pane (navigator → episodes → reader)",
    "pane(-1)": "Move to the previous pane",
    "search": "Filter with the query language: words, +tag, -tag, is:unread, source:NAME, @7-days-ago",
    "toggle_bookmark": "Bookmark the current entry, or remove its bookmark",
    "add_tag": "Add a tag of yours to the current entry (tab completes)",
    "remove_tag": "Remove a tag (an automatic one stays removed)",
    "toggle_read": "Mark the current entry read or unread",
    "step_entry(1)": "Open the next episode",
    "step_entry(-1)": "Open the previous episode",
    "step_unread(1)": "Open the next unread entry of this view",
    "step_unread(-1)": "Open the previous unread entry of this view",
    "undo": "Undo the last change (a mark, a bulk action, a mute, a saved search), many steps back",
    "mark_view_read": "Mark every entry of this view read (asks first; u undoes)",
    "save_search": "Save this view's filter with a name: it is listed under Saved, with counts",
    "mute": "Mute this entry's show, source, a tag or words: hidden everywhere, not deleted",
    "refresh": "Fetch every feed in feeds.yaml (runs in the background)",
    "feeds": "Every feed: last fetch, last success, entries, error",
    "kept": "The points you kept (h in the reader), by story or tag; enter opens, d lets go",
    "brief": "What arrived since the last visit, grouped by story or shared tag",
    "open": "Open the entry under the cursor (a group: its first entry)",
    "mark_group_read": "Mark every entry of the group read (u undoes)",
    "hide_group": "Hide the group from this and later briefs (u undoes)",
    "close": "Back to the main screen (B brings the brief back until you quit)",
    "open_link": "Open the entry's link in the browser (http/https only)",
    "copy_link": "Copy the entry's link to the clipboard",
    "play_audio": "Play the episode's audio in the player (player: in feeds.yaml, else mpv)",
    "escape": "Clear the search, or go back to the list",
    "toggle_sections": "Open every detail section, or close them all",
    "stop(1)": "Next stop: section headers, then related entries, the story line, linked points",
    "stop(-1)": "Previous stop",
    "point(1)": "Point cursor to the next key point or bullet of an open section",
    "point(-1)": "Point cursor to the previous point",
    "activate": "Open the related entry; on the story line or a linked point, choose where to go",
    "back": "Back to the entry you came from, where you were (else to the list)",
    "page(1)": "Page down; at the end, open the next unread entry of the view",
    "keep(False)": "Keep the point under the point cursor (★); h on a kept point lets it go",
    "keep(True)": "Keep the point under the point cursor with a note (or change its note)",
}

# a pane's copy of a key says what the key says everywhere
ACTION_HELP.update(
    {
        b.action: ACTION_HELP[b.action.removeprefix("screen.").removeprefix("app.")]
        for b in [*READER_PANE_BINDINGS, *LIST_PANE_BINDINGS]
    }
)
