"""feeds.yaml: typed model, defaults, and one-line errors naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.config import (
    Config,
    FeedConfig,
    RefreshSettings,
    default_topics,
    flow_topics,
    load_config,
)
from store.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "feeds.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    cfg = load_config(tmp_path / "nope.yaml")
    assert cfg == Config(path=tmp_path / "nope.yaml")
    assert cfg.refresh == RefreshSettings(15, 8, 10_000_000)


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(_write(tmp_path, "# nothing\n")).feeds == ()


def test_full_shape(tmp_path: Path) -> None:
    p = _write(
        tmp_path,
        """
feeds:
  - url: https://example.org/feed.xml
    name: Example
    tags: [ai, ml]
  - url: file:///tmp/x.xml
  - https://short.example/rss
paths:
  - ~/digests
  - rel/dir
topics:
  open-source: [open source, open weights]
  single: one
refresh:
  timeout: 2.5
  concurrency: 3
  max_bytes: 5000
""",
    )
    cfg = load_config(p)
    assert cfg.feeds == (
        FeedConfig("https://example.org/feed.xml", "Example", ("ai", "ml")),
        FeedConfig("file:///tmp/x.xml", None, ()),
        FeedConfig("https://short.example/rss", None, ()),
    )
    assert cfg.paths == (Path.home() / "digests", tmp_path / "rel/dir")
    assert cfg.topics == {"open-source": ("open source", "open weights"), "single": ("one",)}
    assert cfg.refresh == RefreshSettings(2.5, 3, 5000)
    assert cfg.path == p


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("feeds:\n  - url: https://a.example/\n    nme: x\n", 3, "nme"),
        ("feeds:\n  - name: x\n", 2, "url"),
        ("feeds:\n  - url: ftp://a.example/\n", 2, "url"),
        ("feeds:\n  - url: javascript:alert(1)\n", 2, "url"),
        ("feeds:\n  - url: https://a/\n  - url: https://a/\n", 3, "url"),
        ("feeds:\n  - url: https://a/\n    tags: {x: 1}\n", 3, "tags"),
        ("feeds: 3\n", 1, "feeds"),
        ("refresh:\n  timeout: 0\n", 2, "timeout"),
        ("refresh:\n  concurrency: 2.5\n", 2, "concurrency"),
        ("refresh:\n  max_bytes: lots\n", 2, "max_bytes"),
        ("refresh:\n  retries: 3\n", 2, "retries"),
        ("feedz: []\n", 1, "feedz"),
        ("feeds:\n  - url: [oops\n", 3, "url"),
        ("topics:\n  ai: {a: b}\n", 2, "ai"),
        ("feeds:\n  - url: https://a/\n  - url: https://a/\n    url: https://b/\n", 4, "url"),
    ],
)
def test_errors_name_file_line_and_key(tmp_path: Path, text: str, line: int, key: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_config(p)
    msg = str(exc.value)
    assert msg.startswith(f"{p}:{line}: key '{key}': "), msg
    assert "\n" not in msg


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "feeds.yaml"
    p.write_bytes(b"feeds:\n  - url: https://a/\n    name: \xff\xfe\n")
    with pytest.raises(ConfigError, match=r":3: "):
        load_config(p)


def test_shipped_default_is_valid() -> None:
    cfg = load_config(REPO / "feeds.yaml")
    assert len(cfg.feeds) >= 4
    assert all(f.url.startswith("https://") for f in cfg.feeds)
    assert cfg.topics
    assert cfg.refresh == RefreshSettings()


def test_default_topics_are_the_shipped_files_topics_read_the_fast_way() -> None:
    """The shipped feeds.yaml is the one source of the built-in vocabulary."""
    shipped = REPO / "feeds.yaml"
    topics = load_config(shipped).topics
    assert flow_topics(shipped.read_text(encoding="utf-8")) == topics  # no YAML parse needed
    assert dict(default_topics()) == topics
    assert list(default_topics()) == list(topics)  # the order tags are matched in


@pytest.mark.parametrize(
    "section",
    [
        "topics:\n  ai:\n    - AI\n",  # block style
        'topics:\n  ai: ["AI"]  # a comment\n',
        'topics:\n  true: ["AI"]\n',  # YAML reads the key as a boolean
        'topics:\n  ai: ["AI", 3]\n',
        'topics:\n  ai: [" AI"]\n',
        'topics:\n  ai: ["AI"]\n  ai: ["KI"]\n',
        'topics: {ai: ["AI"]}\n',
    ],
)
def test_flow_topics_leave_any_other_layout_to_the_yaml_loader(section: str) -> None:
    assert flow_topics(f"feeds: []\n{section}refresh:\n  timeout: 5\n") is None


def test_flow_topics_read_what_the_yaml_loader_reads(tmp_path: Path) -> None:
    text = (
        'feeds: []\n# vocabulary\ntopics:\n  # the first\n  ai: ["AI", "GenAI", "AI"]\n\n'
        '  open-source: ["open source", "caf\\u00e9"]\nrefresh:\n  timeout: 5\n'
    )
    assert flow_topics(text) == load_config(_write(tmp_path, text)).topics
    assert flow_topics(text) == {"ai": ("AI", "GenAI"), "open-source": ("open source", "café")}
