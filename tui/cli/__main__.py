"""`python -m tui.cli` is `digest-tui` (the tests and the bench run it so).

Guarded, so that importing every module of the package (as the read-only
test does before it drops privileges) does not run a command.
"""

from tui.cli import entry

if __name__ == "__main__":
    entry()
