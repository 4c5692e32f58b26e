"""The brief: what arrived since the last visit, grouped by story, else by a shared specific tag."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from store import api
from store.index import brief as briefs
from store.models import Entry, Source
from store.storage.library import Library
from tests.support.shared import SHARED

OWN = Path(__file__).resolve().parents[1] / "data" / "topics-own"
TOPICS = SHARED / "corpus" / "topics"


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s.replace("\u2019", "'")).casefold().strip()


def _labelled(folder: Path, lib: Library) -> dict[str, str | None]:
    """Entry id -> its story in labels.json (None: a distractor), by title."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))["entries"]
    out: dict[str, str | None] = {}
    for r in lib.rows():
        hits = [e for e in labels if _norm(e["title"]) in _norm(r.title)]
        if hits:
            out[r.id] = hits[0]["story"]
    return out


def _ingest(lib: Library, paths: list[Path]) -> None:
    api.ingest(lib, [str(p) for p in paths], api.config_in_force(None))


@pytest.mark.parametrize(
    ("folder", "first"),
    [
        (OWN, ["weekly-roundup-2025-06-02.md"]),
        (TOPICS, ["post-ev-owners.txt", "digestly_2025-04-09.txt"]),
    ],
    ids=["own", "shared-topics"],
)
def test_after_an_ingest_each_story_is_one_group_with_its_sources(
    tmp_path: Path, folder: Path, first: list[str]
) -> None:
    """A library spanning days: a visit, then more files arrive; each story's new
    entries from different shows are one group naming its shows, and nothing
    seen before the visit is listed."""
    lib = Library.open(tmp_path / "lib")
    _ingest(lib, [folder / name for name in first])
    assert api.leave_brief(lib)  # the visit
    before = {r.id for r in lib.rows()}
    _ingest(lib, [folder])
    story_of = _labelled(folder, lib)
    b = api.brief(lib)
    assert b.since == api.last_visit(lib)
    assert b.new_ids == {r.id for r in lib.rows()} - before
    listed = [e.id for g in b.groups for e in g.entries] + [e.id for e in b.singletons]
    assert sorted(listed) == sorted(b.new_ids)  # each new entry once, nothing old
    new_by_story: dict[str, set[str]] = {}
    for eid in b.new_ids:
        s = story_of.get(eid)
        if s is not None:
            new_by_story.setdefault(s, set()).add(eid)
    three = 0
    for story, ids in new_by_story.items():
        if len(ids) < 2:
            continue
        (group,) = [g for g in b.groups if ids & {e.id for e in g.entries}]
        assert {e.id for e in group.entries} == ids, story  # all of it, nothing else
        assert group.kind == "story", story  # by content, not only by tags
        shows = {lib.row(i).show or lib.row(i).source for i in ids}
        assert set(group.sources) == shows
        assert group.counts == f"{len(shows)} shows · {len(ids)} entries"
        assert group.points and all(p.entry in ids for p in group.points)
        three += len(shows) >= 3
    assert three >= 1  # at least one story across three shows in one group
    distractors = {i for i, s in story_of.items() if s is None}
    assert not distractors & {e.id for g in b.groups for e in g.entries}


def _e(eid: str, src: str, title: str, tags: tuple[str, ...], date: str = "2025-05-02") -> Entry:
    return Entry(
        id=eid,
        source=Source("file", src, "/" + src),
        title=title,
        summary=f"{title}.",
        key_points=(f"{title}: the first point.", f"{title}: the second point."),
        published=date,
        auto_tags=tags,
    )


def _tagged(tmp_path: Path) -> Library:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            _e("a1", "Wire A", "Cell maker expands", ("norcell", "battery")),
            _e("b1", "Radio B", "Supplier under pressure", ("norcell",)),
            _e("c1", "Wire A", "Endgame study habits", ("chess",)),
            _e("d1", "Paper C", "Spending on things", ("data", "ai")),
            _e("e1", "Radio B", "Other spending", ("data", "ai")),
            _e("s1", "Solo", "Solo one", ("solo-show",)),
            _e("s2", "Solo", "Solo two", ("solo-show",)),
        ]
    )
    return lib


def test_without_stories_a_specific_shared_tag_groups_two_sources(tmp_path: Path) -> None:
    lib = _tagged(tmp_path)
    b = api.brief(lib)
    assert b.since is None  # never visited: everything is new
    assert [(g.kind, g.label, sorted(e.id for e in g.entries)) for g in b.groups] == [
        ("tag", "#norcell", ["a1", "b1"])
    ]
    # generic tags (data, ai) never group; one source sharing a tag is no theme
    assert sorted(e.id for e in b.singletons) == ["c1", "d1", "e1", "s1", "s2"]
    (g,) = b.groups
    assert g.counts == "2 shows · 2 entries" and g.sources == ["Wire A", "Radio B"]
    # round-robin: both voices before the second point of either
    assert [p.source for p in g.points[:2]] == ["Wire A", "Radio B"]


def test_muted_ids_never_appear_and_hidden_groups_stay_hidden_until_undone(
    tmp_path: Path,
) -> None:
    lib = _tagged(tmp_path)
    api.mute(lib, "source:radio +norcell")
    api.mute(lib, "+chess")
    assert api.muted_ids(lib) == {"b1", "c1"}
    b = api.brief(lib)
    shown = {e.id for g in b.groups for e in g.entries} | {e.id for e in b.singletons}
    assert not shown & {"b1", "c1"} and not b.groups  # a1 alone is no group
    api.unmute(lib, "+chess")
    api.unmute(lib, "source:radio +norcell")
    (group,) = api.brief(lib).groups
    api.hide_group(lib, group)
    again = api.brief(Library.open(tmp_path / "lib"))  # across a restart
    assert not again.groups and again.hidden == 1
    assert not {"a1", "b1"} & {e.id for e in again.singletons}
    assert api.last_change(lib) == (f"hide {group.label}", 0)
    assert api.undo(lib) is not None
    assert [g.id for g in api.brief(lib).groups] == [group.id]


def test_marking_a_group_read_is_one_undo_step(tmp_path: Path) -> None:
    lib = _tagged(tmp_path)
    (group,) = api.brief(lib).groups
    assert api.mark_group_read(lib, group) == ["a1", "b1"]
    (after,) = api.brief(lib).groups
    assert after.unread == 0
    assert api.undo(lib) == ("mark read", 2)
    assert not lib.marks("a1").read and not lib.marks("b1").read


def test_the_visit_advances_only_when_asked_and_then_only_newer_entries_are_new(
    tmp_path: Path,
) -> None:
    lib = _tagged(tmp_path)
    assert api.last_visit(lib) is None
    api.brief(lib)  # reading is no visit
    assert api.last_visit(lib) is None
    assert api.leave_brief(lib)
    assert api.brief(lib).empty
    seen_file = tmp_path / "lib" / briefs.SEEN_NAME
    stamp = seen_file.stat().st_mtime_ns
    assert not api.leave_brief(lib)  # nothing new: nothing written
    assert seen_file.stat().st_mtime_ns == stamp
    lib.save_entries([_e("n1", "Wire A", "Norcell again", ("norcell",), "2024-01-01")])
    b = api.brief(Library.open(tmp_path / "lib"))
    assert b.new_ids == {"n1"}  # arrived after the visit, though dated long before
    assert [e.id for e in b.singletons] == ["n1"]
    nowhere = tmp_path / "never-made"
    assert not api.leave_brief(Library.open(nowhere)) and not nowhere.exists()
    # --since: by the entries' dates, whatever the visit
    dated = api.brief(lib, "2025-05-01")
    assert dated.since == "2025-05-01" and "n1" not in dated.new_ids and len(dated.new_ids) == 7


def test_markdown_is_literal_and_links_only_the_web(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "lib")
    lib.save_entries(
        [
            _e("m1", "Wire *A*", "[click](javascript:alert(1)) <b>x</b>", ("norcell",)),
            _e("m2", "Radio B", "Plain # title", ("norcell",)).with_(link="https://b.example/x y"),
        ]
    )
    md = api.brief_markdown(api.brief(lib))
    assert "## \\#norcell" in md
    assert "\\[click\\](javascript:alert(1)) \\<b\\>x\\</b\\>" in md
    assert re.search(r"(?<!\\)\]\(javascript", md) is None  # never a live link
    assert "[Plain \\# title](https://b.example/x%20y) — Radio B" in md
    assert "Wire \\*A\\*" in md
    assert md.count("\n- ") >= 4  # points and entries as bullets


def test_after_a_refresh_one_story_from_three_shows_is_one_group(tmp_path: Path) -> None:
    """Feeds fetched over HTTP and a file: the arrivals of one event, three shows, one group."""
    from store.config import Config, FeedConfig, RefreshSettings
    from tests.support.feedserver import FeedServer

    lib = Library.open(tmp_path / "lib")
    _ingest(lib, [OWN / "weekly-roundup-2025-06-02.md"])
    api.leave_brief(lib)
    rss = {"Content-Type": "application/rss+xml; charset=utf-8"}
    routes = {
        f"/{name}": (200, rss, (OWN / name).read_bytes())
        for name in ("evening-wire.xml", "shipping-podcast.xml")
    }
    with FeedServer(routes) as srv:
        feeds = tuple(FeedConfig(srv.url(path)) for path in routes)
        config = Config(feeds=feeds, refresh=RefreshSettings(timeout=5), path=tmp_path / "f.yaml")
        report = api.refresh(lib, config)
    assert all(r.ok for r in report.results)
    _ingest(lib, [OWN / "port-report-2025-06-10.md"])
    story_of = _labelled(OWN, lib)
    b = api.brief(lib)
    r2 = {i for i in b.new_ids if story_of.get(i) == "R2"}
    assert len(r2) == 3
    (group,) = [g for g in b.groups if r2 & {e.id for e in g.entries}]
    assert {e.id for e in group.entries} == r2 and group.kind == "story"
    assert group.counts == "3 shows · 3 entries"
    assert len(group.sources) == 3


def _sidecar_reads(lib: Library, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the side files ``lib`` reads from now on, in order."""
    reads: list[str] = []
    real = lib.read_sidecar

    def counted(name: str) -> object:
        reads.append(name)
        return real(name)

    monkeypatch.setattr(lib, "read_sidecar", counted)
    return reads


def test_quitting_an_unchanged_library_reads_no_seen_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seen set holds every id (~8 MB at 500k): a quit with nothing new must not read it."""
    lib = _tagged(tmp_path)
    # a visit the previous release recorded: no stamp of the index beside it
    assert api.leave_brief(lib)
    lib.state_table(briefs.VISIT_TABLE).set("visit", {"at": api.last_visit(lib)})
    reads = _sidecar_reads(lib, monkeypatch)
    assert not api.leave_brief(lib)  # nothing new: read once, the stamp kept
    assert reads.count(briefs.SEEN_NAME) == 1
    for _ in range(2):
        assert not api.leave_brief(lib)
    assert reads.count(briefs.SEEN_NAME) == 1  # unchanged since: not read again
    lib.save_entries([_e("n1", "Wire A", "Norcell again", ("norcell",))])
    assert not api.brief(lib).empty
    reads.clear()
    assert api.leave_brief(lib)  # the index changed: the set is read, the new entry seen
    assert reads == [briefs.SEEN_NAME]
    assert api.brief(Library.open(tmp_path / "lib")).empty
    reads.clear()
    assert not api.leave_brief(lib) and reads == []


def test_a_first_quit_sees_every_row_without_reading_an_old_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Quitting the UI the first time: every row is seen, in the rows' order; nothing
    before it is read (500k ids: the old set, the live set and a sort were most of 1.5 s)."""
    lib = _tagged(tmp_path)
    lib.write_sidecar(briefs.SEEN_NAME, {"v": 1, "ids": "gone-id"})  # no visit recorded
    reads = _sidecar_reads(lib, monkeypatch)
    assert api.leave_brief(lib)
    assert briefs.SEEN_NAME not in reads
    monkeypatch.undo()
    data = lib.read_sidecar(briefs.SEEN_NAME)
    assert data["ids"].split() == [r.id for r in lib.rows()]
    assert api.brief(Library.open(tmp_path / "lib")).empty


def test_a_quit_sees_what_another_process_added_just_before(tmp_path: Path) -> None:
    """The rows seen at quit are the library's as the visit's write session finds it:
    entries a refresh elsewhere added are seen with the stamp that names them."""
    lib = _tagged(tmp_path)
    assert api.leave_brief(lib)
    Library.open(tmp_path / "lib").save_entries(
        [_e("n2", "Wire B", "Norcell from a cron refresh", ("norcell",))]
    )
    assert api.leave_brief(lib)
    assert api.brief(Library.open(tmp_path / "lib")).empty
    assert not api.leave_brief(lib)
