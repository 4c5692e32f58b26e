"""OPML import keeps feeds.yaml's comments and order; export writes subscriptions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import store.paths
from store.config import load_config
from store.errors import DigestError
from store.opml import export_opml, import_opml, read_opml

REPO = Path(__file__).resolve().parents[2]

USER_YAML = """\
# my feeds -- keep this comment
feeds:
  # the first one
  - url: https://first.example/feed   # inline comment
    name: First
  - url: https://second.example/rss
    tags: [tech]

# topics I care about
topics:
  ai: [artificial intelligence]
refresh:
  timeout: 10   # short
"""

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>subs</title></head><body>
  <outline text="AI" title="AI">
    <outline type="rss" text="New One" xmlUrl="https://new.example/feed.xml" category="/podcasts,ml"/>
    <outline type="rss" text="Second again" xmlUrl="https://second.example/rss"/>
  </outline>
  <outline type="rss" text="Top level" xmlUrl="https://top.example/atom"/>
  <outline type="rss" text="bad scheme" xmlUrl="javascript:alert(1)"/>
</body></opml>
"""


def _files(tmp_path: Path) -> tuple[Path, Path]:
    cfg = tmp_path / "feeds.yaml"
    cfg.write_text(USER_YAML, encoding="utf-8")
    opml = tmp_path / "subs.opml"
    opml.write_text(OPML, encoding="utf-8")
    return cfg, opml


def test_import_keeps_comments_and_order(tmp_path: Path) -> None:
    cfg, opml = _files(tmp_path)
    assert import_opml(opml, cfg) == (2, 1)
    text = cfg.read_text("utf-8")
    for comment in (
        "# my feeds -- keep this comment",
        "# the first one",
        "# inline comment",
        "# topics I care about",
        "# short",
    ):
        assert comment in text
    c = load_config(cfg)
    assert [f.url for f in c.feeds] == [
        "https://first.example/feed",
        "https://second.example/rss",
        "https://new.example/feed.xml",
        "https://top.example/atom",
    ]
    assert c.feeds[2].name == "New One"
    assert set(c.feeds[2].tags) == {"AI", "podcasts", "ml"}
    assert c.refresh.timeout == 10 and c.topics == {"ai": ("artificial intelligence",)}
    # importing again adds nothing and leaves the file as it is
    before = cfg.read_bytes()
    assert import_opml(opml, cfg) == (0, 3)
    assert cfg.read_bytes() == before


def test_import_never_edits_the_shipped_default(tmp_path: Path, monkeypatch) -> None:
    user = tmp_path / "config" / "feeds.yaml"
    monkeypatch.setattr(store.paths, "user_config_file", lambda: user)
    shipped = store.paths.default_config_file()
    before = shipped.read_bytes()
    _cfg, opml = _files(tmp_path)
    added, _known = import_opml(opml, shipped)
    assert added == 3
    assert shipped.read_bytes() == before
    text = user.read_text("utf-8")
    assert text.startswith(before.decode("utf-8").splitlines()[0])  # a copy, comments kept
    urls = [f.url for f in load_config(user).feeds]
    assert urls[: len(load_config(shipped).feeds)] == [f.url for f in load_config(shipped).feeds]
    assert "https://top.example/atom" in urls


def test_import_into_flow_style_empty_list(tmp_path: Path) -> None:
    cfg = tmp_path / "feeds.yaml"
    cfg.write_text("# hi\nfeeds: []\npaths: []\n", encoding="utf-8")
    opml = tmp_path / "s.opml"
    opml.write_text(OPML, encoding="utf-8")
    assert import_opml(opml, cfg)[0] == 3
    assert "# hi" in cfg.read_text("utf-8")
    assert len(load_config(cfg).feeds) == 3


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body>'
        '<outline xmlUrl="https://x.example/&a;"/></body></opml>',
        "<opml><body><outline xmlUrl='https://x.example/'>",
        "<rss><channel/></rss>",
        "",
    ],
)
def test_bad_opml_is_one_clear_error(tmp_path: Path, body: str) -> None:
    cfg, _ = _files(tmp_path)
    bad = tmp_path / "bad.opml"
    bad.write_text(body, encoding="utf-8")
    before = cfg.read_bytes()
    with pytest.raises(DigestError) as exc:
        import_opml(bad, cfg)
    assert str(bad) in str(exc.value)
    assert cfg.read_bytes() == before


def test_export_then_read_back(tmp_path: Path) -> None:
    cfg, _ = _files(tmp_path)
    out = export_opml(cfg)
    root = ET.fromstring(out.split("?>", 1)[1])
    outlines = root.findall("./body/outline")
    assert [o.get("xmlUrl") for o in outlines] == [
        "https://first.example/feed",
        "https://second.example/rss",
    ]
    assert outlines[1].get("category") == "tech"
    assert outlines[0].get("text") == "First"
    p = tmp_path / "out.opml"
    p.write_text(out, encoding="utf-8")
    assert [u for u, _n, _t in read_opml(p)] == [o.get("xmlUrl") for o in outlines]


def test_export_of_shipped_default() -> None:
    out = export_opml(REPO / "feeds.yaml")
    assert out.count("xmlUrl=") == len(load_config(REPO / "feeds.yaml").feeds)
