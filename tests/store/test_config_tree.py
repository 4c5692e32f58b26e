"""The config's YAML tree kept by content (store.config_tree): same Config, checked afresh."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import config as config_mod
from store import config_tree
from store.config import load_config, parse_config_text
from store.errors import ConfigError
from store.paths import default_config_file
from tests.support.fresh import run_fresh

SAMPLE = """\
feeds:
  - url: https://example.org/a.xml
    name: Alpha
    tags: [ai, chips]
  - https://example.org/b.xml
paths: ["$DT_SAMPLE_DIR/notes", "~/digests"]
topics:
  robotics: [robot, humanoid]
refresh:
  timeout: 7.5
  concurrency: 3
mute: ["tag:sport"]
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "cache"
    monkeypatch.setenv("DIGEST_TUI_CACHE", str(d))
    return d


def _no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(text: str, path: Path) -> object:
        raise AssertionError("parsed the YAML again")

    monkeypatch.setattr(config_mod, "_parse_yaml", refuse)


def _files(cache: Path) -> list[Path]:
    return sorted((cache / "config").glob("*.json"))


def test_a_second_read_validates_the_kept_tree_without_parsing(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DT_SAMPLE_DIR", "/srv/one")
    p = tmp_path / "feeds.yaml"
    p.write_text(SAMPLE, encoding="utf-8")
    first = load_config(p)
    assert len(_files(cache)) == 1
    _no_parse(monkeypatch)
    assert load_config(p) == first
    # the environment is this run's: paths are expanded again, not taken from the cache
    monkeypatch.setenv("DT_SAMPLE_DIR", "/srv/two")
    again = load_config(p)
    assert again.paths[0] == Path("/srv/two/notes")
    assert again.refresh.timeout == 7.5 and again.feeds[0].tags == ("ai", "chips")


def test_the_shipped_config_reads_the_same_from_the_cache(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = default_config_file()
    first = load_config(path)
    _no_parse(monkeypatch)
    assert load_config(path) == first


def test_a_hit_does_not_import_the_yaml_loader(cache: Path) -> None:
    code = (
        "import sys; from store.config import load_config; "
        "from store.paths import default_config_file; "
        "c = load_config(default_config_file()); "
        "print(len(c.feeds), len(c.topics), 'ruamel.yaml' in sys.modules)"
    )
    env_before = os.environ.get("DIGEST_TUI_CACHE")
    assert env_before == str(cache)
    first = run_fresh(code).split()
    second = run_fresh(code).split()
    assert first[2] == "True" and second[2] == "False"
    assert first[:2] == second[:2]


def test_a_kept_tree_that_fails_is_parsed_again_and_the_text_decides(
    cache: Path, tmp_path: Path
) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text(SAMPLE, encoding="utf-8")
    good = load_config(p)
    (kept,) = _files(cache)
    kept.write_text(json.dumps({"v": config_tree.LAYOUT, "tree": {"feeds": 5}}))
    assert load_config(p) == good  # the text is valid: the damaged tree is not believed
    bad = tmp_path / "bad.yaml"
    bad.write_text("feeds:\n  - url: ftp://x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml:2: key 'url'"):
        load_config(bad)
    assert len(_files(cache)) == 1  # what did not validate is not kept


@pytest.mark.parametrize("junk", [b"", b"\xff\xfe not json", b"[1, 2]", b'{"v": 999, "tree": {}}'])
def test_a_damaged_cache_file_is_ignored(cache: Path, tmp_path: Path, junk: bytes) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text(SAMPLE, encoding="utf-8")
    good = load_config(p)
    (kept,) = _files(cache)
    kept.write_bytes(junk)
    assert load_config(p) == good


def test_a_cache_that_cannot_be_written_costs_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("DIGEST_TUI_CACHE", str(blocker))
    p = tmp_path / "feeds.yaml"
    p.write_text(SAMPLE, encoding="utf-8")
    assert load_config(p) == load_config(p)
    assert blocker.read_text() == "x"


@pytest.mark.parametrize(
    "text",
    [
        "topics:\n  2024-01-01: [model]\n",  # a date as a key
        "feeds:\n  - url: https://e.org/a\n    name: &n true\nmute: [*n]\n",  # anchored true
        "topics:\n  ai: [model]\n  1: [one]\n",  # a key that is not text
    ],
)
def test_trees_json_would_change_are_not_kept(cache: Path, tmp_path: Path, text: str) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_text(text, encoding="utf-8")
    try:
        first: object = load_config(p)
    except ConfigError as exc:
        first = str(exc)
    assert _files(cache) == []
    try:
        second: object = load_config(p)
    except ConfigError as exc:
        second = str(exc)
    assert first == second


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=8).filter(
    lambda w: w.strip("-") != ""
)
_value = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_word, inner, max_size=3),
    max_leaves=12,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    feeds=st.lists(
        st.fixed_dictionaries(
            {"url": _word.map(lambda w: f"https://example.org/{w}.xml")},
            optional={"name": st.text(max_size=10), "tags": st.lists(_word, max_size=3)},
        ),
        max_size=4,
    ),
    topics=st.dictionaries(_word, st.lists(_word, min_size=1, max_size=3), max_size=4),
    extra=_value,
)
def test_kept_or_parsed_the_config_is_the_same(
    cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    feeds: list[object],
    topics: dict[str, object],
    extra: object,
) -> None:
    """Any tree (JSON is YAML): read twice, the second maybe from the cache, the same
    Config or the same error."""
    text = json.dumps({"feeds": feeds, "topics": topics, "player": extra}, ensure_ascii=False)
    outcomes = []
    parses = []
    real = config_mod._parse_yaml

    def counted(text: str, path: Path) -> object:
        parses.append(text)
        return real(text, path)

    monkeypatch.setattr(config_mod, "_parse_yaml", counted)
    for _ in range(2):
        try:
            outcomes.append(parse_config_text(text, tmp_path / "feeds.yaml"))
        except ConfigError as exc:
            outcomes.append(str(exc))  # type: ignore[arg-type]
    assert outcomes[0] == outcomes[1]
    # a text that validated is read from the cache the second time
    assert len(parses) == (1 if not isinstance(outcomes[0], str) else 2)


def test_only_the_last_trees_are_kept(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each edit of a config writes one more tree: the oldest go, the newest stay."""
    monkeypatch.setattr(config_tree, "MAX_KEPT", 3)
    p = tmp_path / "feeds.yaml"
    for n in range(6):
        p.write_text(SAMPLE + f"player: mpv --volume={n}\n", encoding="utf-8")
        load_config(p)
        newest = max(_files(cache), key=lambda f: f.stat().st_mtime_ns)
        os.utime(newest, ns=(n * 10**9, n * 10**9))  # ages that sort as written
    assert len(_files(cache)) == 3
    _no_parse(monkeypatch)
    assert load_config(p).player[-1] == "--volume=5"  # the last one is among them


def test_the_tree_just_written_stays_whatever_the_file_times(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File times tick by a coarse clock (trees written in one tick tie) and a clock
    can step back: the tree just written must stay even when its time is not the
    newest. Here the older trees all carry a time in the future."""
    monkeypatch.setattr(config_tree, "MAX_KEPT", 2)
    p = tmp_path / "feeds.yaml"
    future = 4102444800 * 10**9  # 2100
    for n in range(5):
        p.write_text(SAMPLE + f"player: mpv --volume={n}\n", encoding="utf-8")
        load_config(p)
        assert len(_files(cache)) <= 2
        with monkeypatch.context() as m:
            _no_parse(m)
            assert load_config(p).player[-1] == f"--volume={n}"
        for f in _files(cache):
            os.utime(f, ns=(future, future))
