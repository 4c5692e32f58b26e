"""A tag that is both automatic and the user's shows once in the reader, as the user's."""

from __future__ import annotations

from pathlib import Path

import pytest

from store import api
from tests.support.ui import DEEPSEEK, open_entry, reader_text, settle, stored
from tui.app import DigestApp

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_a_tag_both_automatic_and_yours_shows_once(
    lib_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DIGEST_TUI_CONFIG", str(tmp_path / "absent.yaml"))
    lib = stored(lib_dir)
    auto, _user = lib.effective_tags(DEEPSEEK)
    assert auto
    shared = auto[0]
    api.tag(lib, [DEEPSEEK], [shared])
    app = DigestApp(lib_dir, first_run=False)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        await open_entry(pilot, DEEPSEEK)
        line = reader_text(app).split("Tags", 1)[1].split("Related", 1)[0]
        assert line.count(f"#{shared} ") + line.count(f"#{shared}\n") == 1
        assert "(underlined: yours)" in line
        for other in auto[1:]:
            assert f"#{other}" in line  # the other automatic tags are all still there
