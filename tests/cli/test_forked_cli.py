"""The forked CLI runner (tests/support/forkcli.py) answers as a fresh `python -m tui.cli`.

Why: most CLI tests run their commands through it; if it drifted from the
real entry point (another exit code, a lost line on stderr, the wrong working
directory, an environment not passed), they would test the runner, not the
command. Each command here runs both ways and must give the same exit code,
stdout and stderr.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest

from store.models import short_hash
from tests.support import forkcli
from tests.support.cli import run_cli


def _both(
    monkeypatch: pytest.MonkeyPatch, d: Path, *args: str, data_dir_env: str = ""
) -> list[object]:
    got = []
    for mode in ("1", "0"):
        monkeypatch.setenv("DIGEST_TUI_TEST_FORK", mode)
        if data_dir_env:
            proc = run_cli(d, *args, DIGEST_TUI_DATA_DIR=data_dir_env)
        else:
            proc = run_cli(d, *args)
        got.append((proc.returncode, proc.stdout, proc.stderr))
    assert got[0] == got[1], (args, got)
    return list(got[0])


def test_forked_commands_answer_as_real_children(
    lib_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert forkcli.enabled()
    deepseek = short_hash("deepseek")
    assert _both(monkeypatch, lib_dir, "list", "--json")[0] == 0
    assert _both(monkeypatch, lib_dir, "show", deepseek, "--json")[0] == 0
    code, _out, err = _both(monkeypatch, lib_dir, "show", "nosuchid")
    assert code == 1 and len(str(err).splitlines()) == 1
    assert _both(monkeypatch, lib_dir, "no-such-command")[0] == 2
    assert _both(monkeypatch, lib_dir, "--version")[0] == 0
    # the environment reaches the command: an empty data dir, listed through the variable
    other = tmp_path / "other"
    code, out, _err = _both(monkeypatch, other, "list", "--json", data_dir_env=str(lib_dir))
    assert code == 0


def test_a_forked_command_runs_in_the_tests_working_directory(
    lib_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relative --data-dir is the test's, whatever directory the server started in."""
    monkeypatch.chdir(lib_dir.parent)
    proc = run_cli(Path(lib_dir.name), "list", "--json", check=True)
    assert '"id"' in proc.stdout
    monkeypatch.chdir(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert run_cli(Path(lib_dir.name), "list", "--json", check=True).stdout.strip() == "[]"


@pytest.mark.timeout(60)  # a broken timeout path hangs: this fails the test instead
def test_a_forked_command_that_hangs_times_out_and_the_server_answers_the_next(
    lib_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hung command ends in TimeoutExpired naming it, its child killed, the server still in step.

    The hang: ``library.json`` is a FIFO with no writer, so opening it blocks
    for ever. After the timeout nobody holds the FIFO open for reading (the
    child is gone), and the same server's next command gets its own exit code
    and output, not the killed one's.
    """
    monkeypatch.setenv("DIGEST_TUI_TEST_FORK", "1")
    hung = tmp_path / "hung"
    hung.mkdir()
    fifo = hung / "library.json"
    os.mkfifo(fifo)
    with pytest.raises(subprocess.TimeoutExpired) as caught:
        run_cli(hung, "list", "--json", timeout=1)
    assert caught.value.timeout == 1
    assert caught.value.cmd[1:5] == ["-m", "tui.cli", "--data-dir", str(hung)]
    with pytest.raises(OSError) as no_reader:  # ENXIO: no process has it open to read
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    assert no_reader.value.errno == errno.ENXIO
    proc = run_cli(lib_dir, "list", "--json")
    assert (proc.returncode, proc.stderr) == (0, "") and '"id"' in proc.stdout
    assert run_cli(lib_dir, "show", "nosuchid").returncode == 1
