"""The tag index: counts, sources, kinds, weekly series, and `digest-tui tags`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.index.tagindex import TREND_WEEKS, all_tags, span_legend, tag_summary
from store.index.topics import tag_entries
from store.models import Entry, Source
from store.storage.library import Library


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent-feeds.yaml"))


@pytest.fixture()
def lib(tmp_path: Path) -> Library:
    lib = Library.open(tmp_path / "lib")
    topics = {"china": ["China"], "energy": ["solar"], "gender": ["gender"]}

    def e(eid: str, src: str, day: str, body: str) -> Entry:
        return Entry(
            id=eid, source=Source("file", src, "/" + src), title=eid, body=body, published=day
        )

    es = [
        e("a", "S1", "2025-01-06", "China solar."),
        e("b", "S2", "2025-01-20", "China."),
        e("c", "S1", "2025-01-21", "Solar panels."),
        e("d", "S1", "2025-01-22", "Gender."),
    ]
    lib.save_entries(tag_entries(es, lib, topics))
    lib.add_tags(["a", "d"], ["keep"])
    lib.add_tags(["c"], ["china"])
    lib.remove_tags(["d"], ["gender"])
    return lib


def test_summary_counts_kinds_and_order(lib: Library) -> None:
    by = {s.tag: s for s in tag_summary(lib)}
    assert by["china"].entries == 3 and by["china"].sources == 2 and by["china"].kind == "both"
    assert by["energy"].entries == 2 and by["energy"].sources == 1 and by["energy"].kind == "auto"
    assert by["keep"].kind == "user" and by["keep"].entries == 2
    assert "gender" not in by  # the user removed the only automatic gender tag
    order = [s.tag for s in tag_summary(lib)]
    assert order[0] == "china"  # cross-source first


def test_every_tag_covers_the_weeks_that_hold_entries(lib: Library) -> None:
    by = {s.tag: s for s in tag_summary(lib)}
    # 2025-W03 holds no entry at all: it gets no column
    assert by["china"].weekly == (("2025-W02", 1), ("2025-W04", 2))
    assert by["energy"].weekly == (("2025-W02", 1), ("2025-W04", 1))
    assert by["keep"].weekly == (("2025-W02", 1), ("2025-W04", 1))
    assert {s.week_starts for s in by.values()} == {("2025-01-06", "2025-01-20")}
    assert span_legend(by["china"].weekly) == (
        "weeks: 2025-01-06 … 2025-01-20 (2 weeks that hold entries; weeks without any are left out)"
    )


def _dated(tmp_path: Path, days: list[str], tag: str = "solar") -> Library:
    lib = Library.open(tmp_path / "dated")
    lib.save_entries(
        [
            Entry(id=f"e{n:04d}", source=Source("file", "S", "/s"), title=f"t{n}", published=d)
            for n, d in enumerate(days)
        ]
    )
    lib.add_tags([f"e{n:04d}" for n in range(len(days))], [tag])
    return lib


def test_a_late_outlier_does_not_flatten_the_librarys_history(tmp_path: Path) -> None:
    """Ten weeks of 2025 digests and one 2026 post: the trend shows 2025, not seven empty weeks."""
    start = date(2025, 3, 3)
    days = [
        (start + timedelta(weeks=w, days=d)).isoformat()
        for w in range(10)
        for d in range(w % 3 + 1)
    ]
    lib = _dated(tmp_path, [*days, "2026-06-01"])
    (solar,) = tag_summary(lib)
    counts = [n for _w, n in solar.weekly]
    assert len(counts) == TREND_WEEKS
    assert counts[-1] == 1 and all(counts[:-1])  # every 2025 week shows its entries
    assert solar.week_starts[0] == (start + timedelta(weeks=3)).isoformat()
    assert solar.week_starts[-1] == "2026-06-01"
    assert "left out" in span_legend(solar.weekly)


def test_a_library_read_every_week_shows_its_last_calendar_weeks(tmp_path: Path) -> None:
    start = date(2025, 1, 6)
    lib = _dated(tmp_path, [(start + timedelta(weeks=w)).isoformat() for w in range(12)])
    (solar,) = tag_summary(lib)
    assert solar.week_starts == tuple(
        (start + timedelta(weeks=w)).isoformat() for w in range(12 - TREND_WEEKS, 12)
    )
    assert span_legend(solar.weekly) == f"weeks: {solar.week_starts[0]} … {solar.week_starts[-1]}"


def test_an_undated_library_has_no_weeks(tmp_path: Path) -> None:
    (solar,) = tag_summary(_dated(tmp_path, ["", ""]))
    assert solar.weekly == () and solar.entries == 2
    assert span_legend(solar.weekly) == "weeks: none (no dated entries)"


def test_all_tags_for_completion(lib: Library) -> None:
    assert all_tags(lib) == ["china", "energy", "keep"]


def test_cli_tags_json_and_text(lib: Library) -> None:
    from tests.support.cli import run_cli

    proc = run_cli(lib.dir, "tags", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data[0]["tag"] == "china"
    # the fields scripts read stay; the weeks' Mondays are added beside them
    assert set(data[0]) == {"tag", "kind", "entries", "sources", "weekly", "week_starts"}
    assert all(isinstance(w, list) and len(w) == 2 for w in data[0]["weekly"])
    assert {tuple(w for w, _n in d["weekly"]) for d in data} == {("2025-W02", "2025-W04")}
    assert all(d["week_starts"] == ["2025-01-06", "2025-01-20"] for d in data)
    text = run_cli(lib.dir, "tags").stdout.splitlines()
    assert text[0].startswith("weeks: 2025-01-06 … 2025-01-20")
    assert "china" in text[1] and "2 sources" in text[1]


def test_a_read_mark_keeps_the_tag_postings_and_a_tag_change_renews_them(
    lib: Library, tmp_path: Path
) -> None:
    """Opening an entry writes a read mark: the postings must not be rebuilt for it
    (at 100k that rebuild was most of the open), yet a tag added or removed, here
    or by another process, must count at once."""
    from store.index.tagindex import tag_postings

    before = tag_postings(lib)
    lib.set_read(["b"], True)
    assert tag_postings(lib) is before
    lib.add_tags(["b"], ["later"])
    auto, user = tag_postings(lib)
    assert user["later"] == {"b"}
    lib.remove_tags(["a"], ["china"])
    auto, _user = tag_postings(lib)
    assert "a" not in auto["china"]
    other = Library.open(tmp_path / "lib")
    other.add_tags(["c"], ["elsewhere"])
    lib.reload_if_changed()
    assert tag_postings(lib)[1]["elsewhere"] == {"c"}


def test_two_shows_of_one_digest_are_two_sources_of_a_tag_muted_or_not(tmp_path: Path) -> None:
    """A tag counts voices as stories and discovery do: (source, show), so the
    navigator's "·2src" and a story's agree on one digest file of two shows."""
    from store.api import mute, tags_summary

    lib = Library.open(tmp_path / "lib")
    src = Source("file", "Weekly Digest", "/digest.md")
    es = [
        Entry(id=f"e{i}", source=src, show=show, title=f"T{i}", body="China.", published=day)
        for i, (show, day) in enumerate(
            [("Show A", "2025-01-06"), ("Show B", "2025-01-07"), ("Show B", "2025-01-08")]
        )
    ]
    lib.save_entries(tag_entries(es, lib, {"china": ["China"]}))
    assert {s.tag: s.sources for s in tag_summary(lib)}["china"] == 2
    lib.save_entries([Entry(id="e3", source=src, show=None, title="T3", body="China.")])
    lib.add_tags(["e3"], ["china"])
    mute(lib, "T0")  # the muted path recounts what is left: Show B and the showless entry
    assert {s.tag: s.sources for s in tags_summary(lib)}["china"] == 2


def _summary_by_entry(lib: Library) -> list[tuple[str, str, int, int, tuple[tuple[str, int], ...]]]:
    """tag_summary's figures asked of each entry in turn: what it must equal."""
    from store.index.tagindex import origin, tag_postings, trend_weeks

    auto, user = tag_postings(lib)
    rows = {r.id: r for r in lib.rows()}
    span = trend_weeks(lib)
    labels = [f"{y:04d}-W{w:02d}" for y, w in span]
    out = []
    for tag in set(auto) | set(user):
        a = set(auto.get(tag, ()))
        u = {i for i in user.get(tag, set()) if i in rows}
        ids = a | u
        if not ids:
            continue
        kind = "both" if a and u else ("auto" if a else "user")
        weeks = []
        for i in ids:
            d = rows[i].date
            try:
                y, w, _ = date.fromisoformat(d[:10]).isocalendar()
                weeks.append((y, w))
            except ValueError:
                pass
        weekly = tuple((lab, weeks.count(wk)) for lab, wk in zip(labels, span, strict=True))
        out.append((tag, kind, len(ids), len({origin(rows[i]) for i in ids}), weekly))
    return sorted(out)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["S1", "s1", "S2"]),
            st.sampled_from([None, "Show A", "show a", "Show B"]),
            st.sampled_from(
                [
                    "",
                    "2025-01-06",
                    "2025-01-06T10:00:00",
                    "2025-03-30",
                    "2024-12-30",
                    "not a date",
                    "2025-02-11T23:59:59+02:00",
                ]
            ),
            st.sets(st.sampled_from(["ai", "grid", "chip"]), max_size=3),
            st.sets(st.sampled_from(["mine", "ai"]), max_size=2),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_the_summary_is_each_entrys_figures_counted(
    tmp_path_factory: pytest.TempPathFactory,
    spec: list[tuple[str, str | None, str, set[str], set[str]]],
) -> None:
    """Voices (a source and a show, case-folded), weeks of the trend's span, kinds and
    counts, computed in bulk, are what the entries one by one say."""
    lib = Library.open(tmp_path_factory.mktemp("lib"))
    entries = [
        Entry(
            id=f"e{n:03d}",
            source=Source("file", src, "/" + src),
            show=show,
            title=f"e{n}",
            body="text",
            published=day or None,
            auto_tags=tuple(sorted(auto)),
        )
        for n, (src, show, day, auto, _user) in enumerate(spec)
    ]
    lib.save_entries(entries)
    for n, (*_rest, user) in enumerate(spec):
        if user:
            lib.add_tags([f"e{n:03d}"], sorted(user))
    got = sorted((s.tag, s.kind, s.entries, s.sources, s.weekly) for s in tag_summary(lib))
    assert got == _summary_by_entry(lib)


def test_the_navigators_tags_stop_when_asked(lib: Library) -> None:
    """A quit cancels the UI's tag worker: the summary stops between tags (Stopped),
    and a stop that never says so changes nothing."""
    from store.api import nav_tags, tags_summary
    from store.errors import Stopped

    whole = nav_tags(lib)
    assert len(whole) >= 2
    assert nav_tags(lib, stop=lambda: False) == whole
    assert [s.tag for s in tags_summary(lib, stop=lambda: False)] == [
        s.tag for s in tags_summary(lib)
    ]
    with pytest.raises(Stopped):
        tags_summary(lib, stop=lambda: True)  # the summary itself stops, before its first tag
    for after in (0, 1, len(whole)):
        asked = iter(range(10_000))

        def stop(after: int = after, asked: Iterator[int] = asked) -> bool:
            return next(asked) >= after

        with pytest.raises(Stopped):
            nav_tags(lib, stop=stop)
