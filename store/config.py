"""feeds.yaml as a typed, validated model.

The file is hand-edited, so every problem is reported as one line naming the
file, the line and the key (``feeds.yaml:12: key 'url': ...``) instead of a
traceback or a silently ignored typo. Loading goes through ruamel.yaml's
round-trip loader because it keeps line numbers for every key and item; the
same loader lets ``import-opml`` edit the file without losing its comments.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from store.errors import ConfigError
from store.paths import config_file, default_config_file

TOP_KEYS = ("feeds", "paths", "topics", "refresh", "player", "mute", "searches")
FEED_KEYS = ("url", "name", "tags")
FEED_SCHEMES = ("http", "https", "file")
MAX_CONFIG_BYTES = 5_000_000


@dataclass(frozen=True, slots=True)
class FeedConfig:
    """One subscription.

    ``name`` overrides the feed's own title (None: use the title); ``tags``
    are given to every entry of the feed as automatic tags.
    """

    url: str
    name: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """What to call the feed before its title is known: name, else host."""
        if self.name:
            return self.name
        parts = urlsplit(self.url)
        if parts.scheme == "file":
            return Path(parts.path).name or self.url
        return parts.hostname or self.url


@dataclass(frozen=True, slots=True)
class RefreshSettings:
    """How refresh talks to the network."""

    timeout: float = 15  # seconds per request (connect, each read, and the whole body)
    concurrency: int = 8  # requests in flight overall (at most 2 per host)
    max_bytes: int = 10_000_000  # larger responses are cut off and reported


@dataclass(frozen=True, slots=True)
class Config:
    """The whole of feeds.yaml; ``path`` is the file it came from (may not exist)."""

    feeds: tuple[FeedConfig, ...] = ()
    paths: tuple[Path, ...] = ()
    topics: dict[str, tuple[str, ...]] = field(default_factory=dict)
    refresh: RefreshSettings = field(default_factory=RefreshSettings)
    player: tuple[str, ...] = ()  # the audio player's command line; () means mpv if installed
    # mute rules (filter-language queries) whose entries are hidden; kept in the library too
    mute: tuple[str, ...] = ()
    # saved searches (name -> query): an export of the library's, taken in by a new library
    searches: dict[str, str] = field(default_factory=dict)
    path: Path = Path("feeds.yaml")


# -- loading -------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    y = YAML(typ="rt")
    y.allow_duplicate_keys = False
    return y


def _line_of(node: Any, key: Any = None, default: int = 1) -> int:
    """1-based line of a mapping key or sequence item (ruamel keeps them in ``.lc``)."""
    lc = getattr(node, "lc", None)
    if lc is None:
        return default
    try:
        if key is None:
            return int(lc.line) + 1
        if isinstance(key, int):
            return int(lc.item(key)[0]) + 1
        return int(lc.key(key)[0]) + 1
    except Exception:
        try:
            return int(lc.line) + 1
        except Exception:
            return default


class _Loader:
    """Walks the YAML tree and raises the first problem with file, line and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, line: int, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}:{line}: key '{key}': {problem}")

    def text(self, value: Any, line: int, key: str, *, allow_empty: bool = False) -> str:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(line, key, f"expected text, got {_kind(value)}")
        s = str(value).strip()
        if not s and not allow_empty:
            raise self.fail(line, key, "must not be empty")
        if any(ord(c) < 0x20 and c not in "\t" for c in s):
            raise self.fail(line, key, "contains control characters")
        return s

    def words(self, value: Any, line: int, key: str) -> tuple[str, ...]:
        """A list of strings, or one string (``tags: ai`` is read as ``[ai]``)."""
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(line, key, f"expected a list of words, got {_kind(value)}")
        out: list[str] = []
        for i, v in enumerate(value):
            s = self.text(v, _line_of(value, i, line), key)
            if s not in out:
                out.append(s)
        return tuple(out)

    def number(
        self, value: Any, line: int, key: str, *, lo: float, hi: float, integer: bool
    ) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(line, key, f"expected a number, got {_kind(value)}")
        if integer and not float(value).is_integer():
            raise self.fail(line, key, "expected a whole number")
        if not lo <= value <= hi:
            raise self.fail(line, key, f"must be between {lo:g} and {hi:g}, not {value}")
        return value

    def feeds(self, value: Any, line: int) -> tuple[FeedConfig, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise self.fail(line, "feeds", f"expected a list of feeds, got {_kind(value)}")
        out: list[FeedConfig] = []
        seen: dict[str, int] = {}
        for i, item in enumerate(value):
            iline = _line_of(value, i, line)
            if isinstance(item, str):  # `- https://...` shorthand
                item = {"url": item}
            if not isinstance(item, dict):
                raise self.fail(iline, "feeds", f"each feed must be a mapping, got {_kind(item)}")
            for k in item:
                if k not in FEED_KEYS:
                    raise self.fail(
                        _line_of(item, k, iline),
                        str(k),
                        f"unknown feed key (expected one of: {', '.join(FEED_KEYS)})",
                    )
            if "url" not in item:
                raise self.fail(iline, "url", "every feed needs a url")
            uline = _line_of(item, "url", iline)
            url = self.text(item["url"], uline, "url")
            scheme = urlsplit(url).scheme.lower()
            if scheme not in FEED_SCHEMES:
                raise self.fail(uline, "url", f"must be an http(s):// or file:// URL, not {url!r}")
            if scheme in ("http", "https") and not urlsplit(url).hostname:
                raise self.fail(uline, "url", f"has no host: {url!r}")
            if url in seen:
                raise self.fail(uline, "url", f"listed twice (first on line {seen[url]})")
            seen[url] = uline
            name = None
            if item.get("name") is not None:
                name = self.text(item["name"], _line_of(item, "name", iline), "name") or None
            tags = self.words(item.get("tags"), _line_of(item, "tags", iline), "tags")
            out.append(FeedConfig(url=url, name=name, tags=tags))
        return tuple(out)

    def paths(self, value: Any, line: int) -> tuple[Path, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(line, "paths", f"expected a list of paths, got {_kind(value)}")
        base = self.path.parent
        out: list[Path] = []
        for i, v in enumerate(value):
            s = self.text(v, _line_of(value, i, line), "paths")
            p = Path(os.path.expandvars(s)).expanduser()
            out.append(p if p.is_absolute() else (base / p))
        return tuple(out)

    def topics(self, value: Any, line: int) -> dict[str, tuple[str, ...]]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(line, "topics", f"expected tag: [words...], got {_kind(value)}")
        out: dict[str, tuple[str, ...]] = {}
        for tag, words in value.items():
            tline = _line_of(value, tag, line)
            t = self.text(tag, tline, "topics")
            out[t] = self.words(words, tline, t)
        return out

    def refresh(self, value: Any, line: int) -> RefreshSettings:
        if value is None:
            return RefreshSettings()
        if not isinstance(value, dict):
            raise self.fail(line, "refresh", f"expected a mapping, got {_kind(value)}")
        kw: dict[str, Any] = {}
        for k, v in value.items():
            kline = _line_of(value, k, line)
            if k == "timeout":
                kw[k] = float(self.number(v, kline, k, lo=0.05, hi=600, integer=False))
            elif k == "concurrency":
                kw[k] = int(self.number(v, kline, k, lo=1, hi=64, integer=True))
            elif k == "max_bytes":
                kw[k] = int(self.number(v, kline, k, lo=1024, hi=1_000_000_000, integer=True))
            else:
                raise self.fail(
                    kline, str(k), "unknown refresh setting (timeout, concurrency, max_bytes)"
                )
        return RefreshSettings(**kw)

    def player(self, value: Any, line: int) -> tuple[str, ...]:
        """``player: mpv --no-video`` (split as a shell would, never run by a shell)."""
        if value is None:
            return ()
        import shlex

        try:
            argv = tuple(shlex.split(self.text(value, line, "player")))
        except ValueError as exc:
            raise self.fail(line, "player", f"cannot split the command line ({exc})") from None
        return argv

    def searches(self, value: Any, line: int) -> dict[str, str]:
        """``searches: {name: query}``: names and queries are one line of text each."""
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(line, "searches", f"expected name: query, got {_kind(value)}")
        out: dict[str, str] = {}
        for name, query in value.items():
            nline = _line_of(value, name, line)
            out[self.text(name, nline, "searches")] = self.text(query, nline, str(name))
        return out


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    if isinstance(value, int | float):
        return "a number"
    return type(value).__name__


def parse_config_text(text: str, path: Path) -> Config:
    """Validate YAML text as a feeds.yaml; ``path`` names it in messages.

    The YAML tree of a text that validated before is read from the cache
    (``store.config_tree``) and validated again; a problem in it is reported
    from a fresh parse, which knows the lines.
    """
    from store import config_tree

    tree = config_tree.kept(text)
    if tree is not config_tree.MISS:
        with contextlib.suppress(ConfigError):
            return _validate(tree, path)
    data = _parse_yaml(text, path)
    config = _validate(data, path)
    config_tree.keep(text, data)
    return config


def _parse_yaml(text: str, path: Path) -> Any:
    """ruamel's round-trip tree of ``text`` (it keeps the lines messages name)."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        return _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = mark.line + 1 if mark is not None else 1
        what = (exc.problem or exc.context or "invalid YAML").strip()
        key = _key_near(text, at)
        raise ConfigError(f"{path}:{at}: key '{key}': {what}") from None
    except YAMLError as exc:
        raise ConfigError(f"{path}:1: key '': invalid YAML ({exc})") from None
    except RecursionError:
        raise ConfigError(f"{path}:1: key '': nested too deeply") from None


def _validate(data: Any, path: Path) -> Config:
    """The Config a YAML tree describes; the first problem raises ``ConfigError``."""
    if data is None:
        return Config(path=path)
    loader = _Loader(path)
    if not isinstance(data, dict):
        raise loader.fail(1, "", f"the file must be a mapping of {', '.join(TOP_KEYS)}")
    for k in data:
        if k not in TOP_KEYS:
            raise loader.fail(
                _line_of(data, k), str(k), f"unknown key (expected one of: {', '.join(TOP_KEYS)})"
            )

    def line(k: str) -> int:
        return _line_of(data, k)

    return Config(
        feeds=loader.feeds(data.get("feeds"), line("feeds")),
        paths=loader.paths(data.get("paths"), line("paths")),
        topics=loader.topics(data.get("topics"), line("topics")),
        refresh=loader.refresh(data.get("refresh"), line("refresh")),
        player=loader.player(data.get("player"), line("player")),
        mute=loader.words(data.get("mute"), line("mute"), "mute"),
        searches=loader.searches(data.get("searches"), line("searches")),
        path=path,
    )


def _key_near(text: str, line: int) -> str:
    """The YAML key on or just above ``line`` (for syntax errors ruamel reports)."""
    lines = text.splitlines()
    for i in range(min(line, len(lines)) - 1, -1, -1):
        s = lines[i].strip().lstrip("- ").strip()
        if ":" in s and not s.startswith("#"):
            return s.split(":", 1)[0].strip().strip("'\"")
    return ""


def load_config(path: Path) -> Config:
    """Load and validate feeds.yaml; a missing file gives the (empty) defaults."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path=path)
    except IsADirectoryError:
        raise ConfigError(f"{path}:1: key '': is a directory, not a feeds.yaml") from None
    except OSError as exc:
        raise ConfigError(f"{path}:1: key '': cannot read ({exc.strerror or exc})") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}:1: key '': larger than {MAX_CONFIG_BYTES // 1_000_000} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: key '': not UTF-8 text") from None
    return parse_config_text(text, path)


# -- topics ----------------------------------------------------------------------


@functools.cache
def default_topics() -> Mapping[str, tuple[str, ...]]:
    """The built-in vocabulary: the ``topics:`` of the shipped feeds.yaml, read once.

    Why from the file: the shipped feeds.yaml documents the vocabulary to the
    user, and a copy in code drifted from it with nothing keeping them in
    step; now the file is the one source. Read-only, since it is shared.
    A missing file is a broken install and raises ``ConfigError``.
    """
    path = default_config_file()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        raise ConfigError(f"{path}:1: key 'topics': the shipped feeds.yaml is missing") from None
    topics = flow_topics(text)
    if topics is None:
        topics = parse_config_text(text, path).topics
    return MappingProxyType(topics)


# one ``topics:`` item the way the shipped file writes them: ``  tag: ["word", ...]``
# (a lowercase plain key that YAML cannot read as true/false/null or a number)
_FLOW_TOPIC = re.compile(r"  ([a-z][a-z0-9-]*): (\[.*\])")
_NOT_TEXT_KEYS = frozenset({"true", "false", "null"})


def flow_topics(text: str) -> dict[str, tuple[str, ...]] | None:
    """The ``topics:`` of a feeds.yaml written one ``  tag: ["word", ...]`` a line; else None.

    Why: every refresh needs the default vocabulary, even one where every feed
    answers 304 (0.35 s in all), and ruamel's loader takes 30-70 ms over the
    shipped file where this takes about 1 ms. Each list is read as JSON, which
    double-quoted YAML flow lists of plain words are. Anything else (another
    layout, a comment after an item, an escape or a value JSON reads
    differently or the loader would refuse) gives None: parse the file as YAML.
    A test holds the two readings equal on the shipped file.
    """
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.rstrip() == "topics:"]
    if len(starts) != 1:
        return None
    out: dict[str, tuple[str, ...]] = {}
    for line in lines[starts[0] + 1 :]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" "):
            break  # the next top-level key
        m = _FLOW_TOPIC.fullmatch(line.rstrip())
        if m is None or m.group(1) in out or m.group(1) in _NOT_TEXT_KEYS:
            return None
        try:
            words = json.loads(m.group(2))
        except ValueError:
            return None
        if not all(isinstance(w, str) and w.isprintable() and w == w.strip() != "" for w in words):
            return None
        out[m.group(1)] = tuple(dict.fromkeys(words))
    return out


def topics_in_force() -> dict[str, tuple[str, ...]]:
    """The ``topics:`` map of the config in force ({} when it cannot be read).

    For callers given no map: a broken config is reported by the commands that
    read it for themselves, so tagging goes on with the built-in vocabulary.
    """
    try:
        return load_config(config_file(None)).topics
    except Exception:
        return {}
