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
    Binding("o", "open_link", "Open link", show=False, id="open-link"),
    Binding("y", "copy_link", "Copy link", show=False, id="copy-link"),
    Binding("a", "play_audio", "Play audio", show=False, id="play-audio"),
    Binding("escape", "escape", "Back / clear search", show=False, id="escape"),
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
    "open_link": "Open the entry's link in the browser (http/https only)",
    "copy_link": "Copy the entry's link to the clipboard",
    "play_audio": "Play the episode's audio in the player (player: in feeds.yaml, else mpv)",
    "escape": "Clear the search, or go back to the list",
    "toggle_sections": "Open every detail section, or close them all",
    "focus_section(1)": "Move to the next section header (enter opens / closes it)",
    "focus_section(-1)": "Move to the previous section header",
}
