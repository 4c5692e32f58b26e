"""`python -m tui` is `digest-tui`."""

from tui.cli import main

raise SystemExit(main())
