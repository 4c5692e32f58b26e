"""`python -m tui` is `digest-tui` (guarded: importing it runs nothing)."""

from tui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
