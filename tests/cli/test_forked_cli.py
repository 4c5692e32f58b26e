"""The forked CLI runner (tests/support/forkcli.py) answers as a fresh `python -m tui.cli`.

Why: most CLI tests run their commands through it; if it drifted from the
real entry point (another exit code, a lost line on stderr, the wrong working
directory, an environment not passed), they would test the runner, not the
command. Each command here runs both ways and must give the same exit code,
stdout and stderr.
"""

from __future__ import annotations

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
