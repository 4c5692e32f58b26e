"""`stories [QUERY] [--json]` and `show --json`'s related / story / point_links, as a shell runs them."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import run_cli

OWN = Path(__file__).resolve().parents[1] / "data" / "topics-own"


def _ingest(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    files = sorted(
        str(p) for p in OWN.iterdir() if p.suffix in (".md", ".xml") and p.name != "README.md"
    )
    run_cli(data, "ingest", *files, check=True, DIGEST_TUI_CONFIG=str(tmp_path / "none.yaml"))
    return data


def test_stories_json_and_text(tmp_path: Path) -> None:
    data = _ingest(tmp_path)
    p = run_cli(data, "stories", "--json", check=True)
    found = json.loads(p.stdout)
    assert len(found) == 2
    for s in found:
        assert set(s) == {"id", "label", "tags", "entries", "points"}
        assert s["label"] and len(s["entries"]) == 3
        assert all(set(e) == {"id", "title", "source", "date"} for e in s["entries"])
        assert all(set(pt) == {"text", "entries"} and len(pt["entries"]) >= 2 for pt in s["points"])
    q = json.loads(run_cli(data, "stories", "Brightwater", "--json", check=True).stdout)
    assert [s["id"] for s in q] == [s["id"] for s in found if "Brightwater" in json.dumps(s)]
    text = run_cli(data, "stories", check=True).stdout
    assert "(3 sources)" in text


def test_show_json_carries_related_story_and_point_links(tmp_path: Path) -> None:
    data = _ingest(tmp_path)
    story = json.loads(run_cli(data, "stories", "halvard", "--json", check=True).stdout)[0]
    eid = story["entries"][0]["id"]
    d = json.loads(run_cli(data, "show", eid, "--json", check=True).stdout)
    assert d["story"] == {
        "id": story["id"],
        "label": story["label"],
        "entries": [e["id"] for e in story["entries"]],
    }
    rel = d["related"]
    assert rel and all(
        set(r) == {"id", "title", "show", "source", "date", "score", "shared_tags"} for r in rel
    )
    assert {r["id"] for r in rel[:2]} <= {e["id"] for e in story["entries"]}
    assert all(1 <= len(r["shared_tags"]) <= 4 for r in rel)
    links = d["point_links"]
    assert links and all(set(pl) == {"point", "also"} for pl in links)
    for pl in links:
        assert 0 <= pl["point"] < len(d["key_points"])
        assert all(set(a) == {"id", "title", "source", "text"} and a["text"] for a in pl["also"])


def test_distractor_shows_nothing_related(tmp_path: Path) -> None:
    data = _ingest(tmp_path)
    out = run_cli(data, "list", "allotment", check=True).stdout.split()
    d = json.loads(run_cli(data, "show", out[0], "--json", check=True).stdout)
    assert d["related"] == [] and d["story"] is None and d["point_links"] == []


def test_show_text_names_the_story_and_the_other_sources(tmp_path: Path) -> None:
    data = _ingest(tmp_path)
    story = json.loads(run_cli(data, "stories", "brightwater", "--json", check=True).stdout)[0]
    eid = story["entries"][0]["id"]
    text = run_cli(data, "show", eid, check=True).stdout
    assert f"In story: {story['label']} (3 sources)" in text
    assert "    also: " in text
