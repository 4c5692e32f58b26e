"""A command line that names a command builds only its module's parser.

``tui.cli.COMMAND_MODULES`` says which module registers which commands; these
tests hold it to what the modules register, and the one-module parser to the
whole one, so a command added to a module but not to the table is caught.
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import cli_env
from tui import cli


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(sub.choices)


@pytest.mark.parametrize("module", list(cli.COMMAND_MODULES))
def test_each_module_registers_the_commands_the_table_names(module: str) -> None:
    parser = argparse.ArgumentParser()
    importlib.import_module(f"tui.cli.{module}").register(parser.add_subparsers())
    assert tuple(_commands(parser)) == cli.COMMAND_MODULES[module]


def test_the_whole_parser_has_every_command_in_the_tables_order() -> None:
    every = [c for cmds in cli.COMMAND_MODULES.values() for c in cmds]
    assert _commands(cli.build_parser()) == every
    assert _commands(cli.build_parser("no-such-command")) == every


def _subparser(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found: argparse.ArgumentParser = sub.choices[command]
    return found


@pytest.mark.parametrize("command", [c for cmds in cli.COMMAND_MODULES.values() for c in cmds])
def test_a_commands_own_parser_is_the_whole_ones(command: str) -> None:
    """Its usage, options and help: as in the whole parser."""
    one, whole = cli.build_parser(command), cli.build_parser()
    assert _subparser(one, command).format_help() == _subparser(whole, command).format_help()


def test_a_command_line_imports_its_commands_module_alone(tmp_path: Path) -> None:
    code = (
        "import json, sys\n"
        "from tui.cli import main\n"
        f"code = main(['--data-dir', {str(tmp_path / 'lib')!r}, 'feeds'])\n"
        "print(json.dumps([code, sorted(m for m in sys.modules if m.startswith('tui.cli.'))]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(), timeout=60
    )
    assert done.returncode == 0, done.stderr
    code, modules = json.loads(done.stdout.splitlines()[-1])
    assert code == 0
    alone = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys, tui.cli.feeds\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('tui.cli.'))))",
        ],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=60,
    )
    assert modules == json.loads(alone.stdout)  # what the feeds module imports itself, no more
    assert "tui.cli.library" not in modules and "tui.cli.columns" not in modules
