"""A bare ``digest-tui`` opens the UI with its three global options only.

The command modules are imported by the whole parser; the UI's start does not
wait for them (``tui.cli._ui_options``). What must still hold: the global
options reach the UI, and anything else is the whole parser's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import tui.app
from store import api
from tests.support.cli import cli_env
from tui import cli


def test_a_bare_start_imports_no_command_module(tmp_path: Path) -> None:
    """In a fresh process: the UI path (run_app stubbed) leaves every command module unimported."""
    code = (
        "import sys, tui.app\n"
        "tui.app.run_app = lambda d, c: print(sorted(m for m in sys.modules"
        " if m.startswith('tui.cli.'))) or 0\n"
        "from tui.cli import main\n"
        f"raise SystemExit(main(['--data-dir', {str(tmp_path)!r}]))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], env=cli_env(), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "argv",
    [
        ["--data-dir", "D", "--config", "C"],
        ["--config=C", "--data-dir=D"],
        ["--data", "D", "--conf", "C"],  # argparse's abbreviations, as before
    ],
)
def test_the_global_options_reach_the_ui(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, argv: list[str]
) -> None:
    seen: list[tuple[Path, str | None]] = []

    def run_app(data_dir: Path, config: str | None) -> int:
        seen.append((data_dir, config))
        return 0

    monkeypatch.setattr(tui.app, "run_app", run_app)
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 0
    assert seen == [(api.data_dir("D"), "C")]


def test_anything_else_is_the_whole_parsers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(tui.app, "run_app", lambda d, c: pytest.fail("the UI opened"))
    with pytest.raises(SystemExit) as done:
        cli.main(["-h"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "ingest" in out and "refresh" in out and "--data-dir" in out
    assert cli.main(["--data-dir"]) == 2  # a missing value: the usage error, not the UI
    assert "expected one argument" in capsys.readouterr().err
    assert cli.main(["--no-such-option"]) == 2
    capsys.readouterr()
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out == api.VERSION + "\n"


def test_the_version_is_the_installed_packages_and_the_user_agents() -> None:
    """One version, written in ``store/__init__.py``: what pip installed (pyproject
    reads it from there), what ``--version`` prints and what feed servers are told."""
    from importlib.metadata import version

    from store.sync.fetch import user_agent

    assert version("digest-tui") == api.VERSION
    assert user_agent().startswith(f"digest-tui/{api.VERSION} ")


def test_after_the_ui_or_a_command_the_process_leaves_at_once_with_its_output_flushed(
    tmp_path: Path,
) -> None:
    """``digest-tui`` (``entry``): its exit status, what it printed, and the hard exit
    (``os._exit``, no interpreter teardown). After the UI no exit handler runs; after
    a command they all do, first; and a command that leaves a thread running takes
    the normal exit, which waits for that thread."""
    code = (
        "import atexit, os, sys, threading, time, tui.app\n"
        "atexit.register(lambda: print('atexit', flush=True))\n"
        "hard_exit = os._exit\n"
        "def witnessed(status):\n"
        "    os.write(1, b'hard\\n')  # after entry's flush: straight to the descriptor\n"
        "    hard_exit(status)\n"
        "os._exit = witnessed\n"
        "def run_app(d, c):\n"
        "    print('quit', end='')  # buffered: the hard exit must flush it\n"
        "    return 3\n"
        "tui.app.run_app = run_app\n"
        "if '--thread' in sys.argv:\n"
        "    sys.argv.remove('--thread')\n"
        "    threading.Thread(target=lambda: (time.sleep(0.2), print('thread', end=''))).start()\n"
        "from tui.cli import entry\n"
        "sys.argv = ['digest-tui', *sys.argv[1:]]\n"
        "entry()\n"
    )

    env = {k: v for k, v in cli_env().items() if k != "PYTHONUNBUFFERED"}  # a buffered stdout

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code, "--data-dir", str(tmp_path / "lib"), *argv],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )

    ui = run()
    assert ui.returncode == 3, ui.stderr
    assert ui.stdout == "quithard\n"
    command = run("list")
    assert command.returncode == 0, command.stderr
    assert command.stdout.endswith("atexit\nhard\n")
    waits = run("list", "--thread")
    assert waits.returncode == 0, waits.stderr
    assert waits.stdout.endswith("threadatexit\n")  # the normal exit: no hard one
    assert run("no-such-command").returncode == 2


def test_a_profiled_command_leaves_normally_so_its_profile_is_written(tmp_path: Path) -> None:
    """``python -m cProfile -o F -m tui.cli ...`` writes F after the program returns:
    the quick exit would skip that, so a run under a profiler or tracer takes the
    normal exit."""
    out = tmp_path / "run.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "tui.cli"]
        + ["--data-dir", str(tmp_path / "lib"), "list"],
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
