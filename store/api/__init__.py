"""The one door: every verb the UI and the CLI need, over plain objects.

tui/ (the Textual app and the ``digest-tui`` command) imports this module,
``store.models``, ``store.errors`` and ``store.views``, and nothing else of
store/. A key in the UI and the CLI command that does the same thing call the
same function here, so they cannot drift apart; the floors below (parse,
storage, index, sync) can be rearranged without touching tui/, since every
call into them is made here.

Functions are verb first and take a ``Library`` plus plain values; results are
the store's own dataclasses (``Entry``, ``Marks``, ``Row``, reports) or the
views of ``store.views``. Errors the user can act on are ``DigestError``s.

The verbs live in one module per concern (``places``, ``reading``,
``marking``, ``kept``, ``audio``, ``feeds``, ``out``, and the workflow's own:
``brief``, ``smart``); callers
use them through this package only (``api.open_entry``), so a verb can move
between them freely. Each module imports the heavier floors (the query
language, tags, feeds with httpx, the doctor) inside the verbs that use them:
the UI's first paint and a scripted command need only the library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from store import __version__ as VERSION
from store.api.audio import play
from store.api.brief import (
    brief,
    brief_json,
    brief_markdown,
    brief_text,
    hide_group,
    last_visit,
    leave_brief,
    mark_group_read,
    since_line,
)
from store.api.feeds import (
    derive_pending,
    ensure_samples,
    feed_statuses,
    feeds_to_refresh,
    import_opml,
    ingest,
    pending_derivation,
    refresh,
)
from store.api.kept import (
    keep_point,
    keepable_points,
    kept_groups,
    kept_markdown,
    kept_points,
    kept_texts,
    pick_point,
    unkeep_point,
)
from store.api.marking import (
    all_tag_names,
    bookmark,
    known_tags,
    last_change,
    mark_read,
    nav_tags,
    tag,
    tags_summary,
    toggle_bookmark,
    trend_chart,
    trend_legend,
    undo,
    untag,
    user_tag,
    user_tags,
    warm_topics,
)
from store.api.out import export, write_text
from store.api.places import (
    complete,
    config_in_force,
    config_path,
    data_dir,
    doctor,
    open_library,
    read_config,
    reload_if_changed,
    ui_state,
    update_ui_state,
)
from store.api.reading import (
    entry_marks,
    entry_row,
    entry_tags,
    export_entries_json,
    list_rows,
    list_view,
    open_entry,
    point_links,
    query_error_line,
    query_hints,
    related,
    resolve,
    show_entry,
    show_text,
    stories,
    story_of,
)
from store.api.smart import (
    apply_config,
    delete_search,
    export_searches,
    mute,
    mute_choices,
    mute_rules,
    muted_ids,
    nav_stories,
    rename_search,
    save_search,
    saved_searches,
    state_stamp,
    sync_config,
    unmute,
)
from store.models import Row
from store.render import reading_time
from store.storage.library import Library
from store.text import screen_line, screen_text
from store.views import KeptPoint

if TYPE_CHECKING:
    from store.config import Config as Config
    from store.index.brief import Brief as Brief
    from store.index.brief import BriefEntry as BriefEntry
    from store.index.brief import BriefGroup as BriefGroup
    from store.index.brief import BriefPoint as BriefPoint
    from store.index.mute import MuteRule as MuteRule
    from store.index.saved import SavedSearch as SavedSearch
    from store.index.stories import PointLink as PointLink
    from store.index.stories import Story as Story
    from store.index.storynav import StoryCount as StoryCount
    from store.index.tagindex import Related as Related
    from store.index.tagindex import TagStat as TagStat
    from store.storage.checks import Report as Report
    from store.sync.feeds import FeedResult as FeedResult
    from store.sync.feeds import FeedStatus as FeedStatus
    from store.sync.feeds import RefreshReport as RefreshReport
    from store.sync.ingest import IngestReport as IngestReport

__all__ = [
    "VERSION",
    "KeptPoint",
    "Library",
    "Row",
    "reading_time",
    "screen_line",
    "screen_text",
    "data_dir",
    "config_path",
    "read_config",
    "config_in_force",
    "complete",
    "open_library",
    "reload_if_changed",
    "doctor",
    "ui_state",
    "update_ui_state",
    "resolve",
    "list_rows",
    "query_error_line",
    "query_hints",
    "list_view",
    "related",
    "stories",
    "story_of",
    "point_links",
    "open_entry",
    "show_entry",
    "show_text",
    "entry_row",
    "entry_marks",
    "entry_tags",
    "export_entries_json",
    "tags_summary",
    "trend_chart",
    "trend_legend",
    "nav_tags",
    "warm_topics",
    "all_tag_names",
    "known_tags",
    "user_tag",
    "user_tags",
    "tag",
    "untag",
    "bookmark",
    "toggle_bookmark",
    "mark_read",
    "undo",
    "last_change",
    "keep_point",
    "unkeep_point",
    "kept_texts",
    "kept_points",
    "keepable_points",
    "pick_point",
    "kept_groups",
    "kept_markdown",
    "play",
    "brief",
    "brief_json",
    "brief_markdown",
    "brief_text",
    "since_line",
    "last_visit",
    "leave_brief",
    "mark_group_read",
    "hide_group",
    "ingest",
    "derive_pending",
    "pending_derivation",
    "feeds_to_refresh",
    "refresh",
    "feed_statuses",
    "import_opml",
    "ensure_samples",
    "export",
    "write_text",
    "saved_searches",
    "save_search",
    "rename_search",
    "delete_search",
    "export_searches",
    "muted_ids",
    "mute",
    "unmute",
    "mute_rules",
    "mute_choices",
    "nav_stories",
    "apply_config",
    "sync_config",
    "state_stamp",
]
