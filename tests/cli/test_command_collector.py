"""A command that owns its process runs with a batch tool's garbage collector.

``tui.cli.entry`` (the ``digest-tui`` command) raises the young generation's
threshold and freezes what is loaded once the library is open, so a refresh or
an ingest does not walk the library's rows and every module again and again
(``tui.cli._batch_collector``). ``main`` called in a process that is not the
command's own (the tests, the bench) leaves the collector as it found it.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from tests.support.cli import cli_env
from tui import cli


def test_the_command_tunes_the_collector_once_its_library_is_open(tmp_path: Path) -> None:
    code = (
        "import gc, json, sys\n"
        "import tui.cli as cli\n"
        "opened = cli.Context.library\n"
        "def library(self):\n"
        "    before = gc.get_freeze_count()\n"
        "    lib = opened(self)\n"
        "    print(json.dumps([before, gc.get_freeze_count(), gc.get_threshold()[0]]))\n"
        "    return lib\n"
        "cli.Context.library = library\n"
        "sys.argv = ['digest-tui', *sys.argv[1:]]\n"
        "cli.entry()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "--data-dir", str(tmp_path / "lib"), "list"],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    before, after, young = json.loads(done.stdout.splitlines()[0])
    assert before == 0 and after > 0  # frozen once the library was open, not before
    assert young == cli.COMMAND_GC_YOUNG


def test_main_in_a_process_of_its_own_leaves_the_collector_alone(tmp_path: Path) -> None:
    threshold, frozen = gc.get_threshold(), gc.get_freeze_count()
    assert cli.main(["--data-dir", str(tmp_path / "lib"), "list"]) == 0
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == frozen
