"""Mute rules: hidden everywhere, listed by is:muted, back when the rule goes, nothing deleted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import api
from store.config import Config, parse_config_text
from store.errors import UsageError
from store.models import Entry, short_hash
from store.storage.library import Library
from store.views import Selection
from tests.support.library import build_library, sample_entries

DEEPSEEK, POST, PODCAST = short_hash("deepseek"), short_hash("post"), short_hash("podcast")
ALL = {e.id for e in sample_entries()}


def ids(rows: list[api.Row]) -> set[str]:
    return {r.id for r in rows}


def test_a_rule_hides_its_entries_from_lists_counts_and_tags(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    lib.set_read([POST], True)
    rule = api.mute(lib, "+china")
    assert rule.matches == 2 and rule.origin == "library"
    assert ids(api.list_rows(lib)) == ALL - {DEEPSEEK, POST}
    assert ids(api.list_rows(lib, "compute")) == {PODCAST, short_hash("article")}
    assert ids(api.list_rows(lib, "is:muted")) == {DEEPSEEK, POST}
    assert ids(api.list_rows(lib, "-is:muted")) == ALL - {DEEPSEEK, POST}
    listing = api.list_view(lib, Selection("all"), "")
    assert listing.nav.total == 3 and listing.nav.muted == 2 and listing.nav.muted_unread == 1
    assert sum(s.total for s in listing.nav.sources) == 3
    assert {r.id for r in api.list_view(lib, Selection("muted"), "").rows or []} == {DEEPSEEK, POST}
    tags = {t.tag: t for t in api.nav_tags(lib)}
    assert "china" not in tags  # every china entry is muted
    assert tags["gender"].entries == 1  # the post is muted, Williamson is not
    assert api.muted_ids(lib) == frozenset({DEEPSEEK, POST})


def test_removing_the_rule_brings_every_entry_back_unchanged(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    lib.set_bookmarked([DEEPSEEK], True)
    before = (lib.rows(), lib.all_marks())
    api.mute(lib, 'show:"All-In"')
    assert DEEPSEEK not in ids(api.list_rows(lib))
    assert len(lib.rows()) == len(before[0])  # hidden, not deleted
    api.unmute(lib, "1")
    assert (lib.rows(), lib.all_marks()) == before
    assert ids(api.list_rows(lib)) == ALL


def test_a_rule_applies_to_entries_that_arrive_after_it(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    api.mute(lib, "+crypto")
    late = Entry(
        id="c0ffee000001", source=sample_entries()[0].source, title="Coins", auto_tags=("crypto",)
    )
    lib.save_entries([late])
    assert late.id not in ids(api.list_rows(lib))
    assert late.id in api.muted_ids(lib)
    assert api.mute_rules(lib)[0].matches == 1


def test_a_second_instance_sees_a_rule_at_once(tmp_path: Path) -> None:
    d = tmp_path / "lib"
    build_library(d)
    ui, shell = Library.open(d), Library.open(d)
    assert ids(api.list_rows(ui)) == ALL  # cached now
    api.mute(shell, "+gender")
    assert ids(api.list_rows(ui)) == ALL - {short_hash("williamson"), POST}


def test_undo_takes_a_mute_and_an_unmute_back(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    api.mute(lib, "+compute")
    assert api.undo(lib) == ("mute +compute", 0)
    assert api.mute_rules(lib) == []
    api.mute(lib, "+compute")
    api.unmute(lib, "+compute")
    assert api.undo(lib) == ("unmute +compute", 0)
    assert [r.query for r in api.mute_rules(lib)] == ["+compute"]


@pytest.mark.parametrize("rule", ["", "   ", "!!!", "is:muted", "+china is:muted", '"open'])
def test_rules_that_would_hide_everything_or_nothing_sensible_are_refused(
    tmp_path: Path, rule: str
) -> None:
    lib = build_library(tmp_path / "lib")
    with pytest.raises(UsageError):
        api.mute(lib, rule)
    assert api.mute_rules(lib) == []


def test_the_same_rule_twice_is_one_rule(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    api.mute(lib, "+china  +cost")
    with pytest.raises(UsageError, match="already muted"):
        api.mute(lib, " +china +cost ")
    assert [r.query for r in api.mute_rules(lib)] == ["+china +cost"]


def test_feeds_yaml_rules_hide_and_cannot_be_removed_from_the_library(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    config = parse_config_text(
        "mute:\n  - +gender\n  - 'show:\"Test Podcast\"'\n", tmp_path / "f.yaml"
    )
    assert config.mute == ("+gender", 'show:"Test Podcast"')
    api.apply_config(lib, config)
    assert ids(api.list_rows(lib)) == ALL - {short_hash("williamson"), POST, PODCAST}
    assert [r.origin for r in api.mute_rules(lib)] == ["config", "config"]
    with pytest.raises(UsageError, match="feeds.yaml"):
        api.unmute(lib, "+gender")
    api.apply_config(lib, replace(config, mute=()))  # the user edited the file
    assert ids(api.list_rows(lib)) == ALL


def test_a_broken_rule_in_feeds_yaml_hides_nothing_and_says_why(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    api.apply_config(lib, Config(mute=("is:nonsense", "+gender")))
    rules = api.mute_rules(lib)
    assert rules[0].error and "is:nonsense" in rules[0].error
    assert rules[1].matches == 2 and rules[1].error is None


def test_sync_config_reads_the_file_only_when_it_changed(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    path = tmp_path / "feeds.yaml"
    path.write_text("mute: [+gender]\n", encoding="utf-8")
    assert api.sync_config(lib, path) is True
    assert api.sync_config(lib, path) is False
    path.write_text("mute: [+compute]\n", encoding="utf-8")
    assert api.sync_config(lib, path) is True
    assert [r.query for r in api.mute_rules(lib)] == ["+compute"]
    path.write_text("mute: [+compute\n", encoding="utf-8")  # broken: nothing changes
    assert api.sync_config(lib, path) is False
    assert [r.query for r in api.mute_rules(lib)] == ["+compute"]


def test_tags_summary_leaves_muted_entries_out(tmp_path: Path) -> None:
    lib = build_library(tmp_path / "lib")
    before = {s.tag: s for s in api.tags_summary(lib)}
    api.mute(lib, "source:fdaudens")
    after = {s.tag: s for s in api.tags_summary(lib)}
    assert after["china"].entries == before["china"].entries - 1
    assert after["china"].sources == before["china"].sources - 1
    assert (
        sum(n for _w, n in after["china"].weekly) == sum(n for _w, n in before["china"].weekly) - 1
    )


TAGS = ["china", "compute", "gender", "cost"]


@settings(
    max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None
)
@given(rules=st.lists(st.sampled_from(TAGS), unique=True, max_size=3), query=st.sampled_from(TAGS))
def test_hidden_is_exactly_the_union_of_the_rules(
    tmp_path_factory: pytest.TempPathFactory, rules: list[str], query: str
) -> None:
    """list = all − ∪ rules; is:muted = ∪ rules; any query Q gives Q − ∪ and Q is:muted gives Q ∩ ∪."""
    lib = build_library(tmp_path_factory.mktemp("lib"))
    full = ids(api.list_rows(lib, f"+{query}"))
    union: set[str] = set()
    for r in rules:
        union |= ids(api.list_rows(lib, f"+{r}"))
        api.mute(lib, f"+{r}")
    assert ids(api.list_rows(lib)) == ALL - union
    assert ids(api.list_rows(lib, "is:muted")) == union
    assert ids(api.list_rows(lib, f"+{query}")) == full - union
    assert ids(api.list_rows(lib, f"is:muted +{query}")) == full & union
