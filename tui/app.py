"""The digest-tui application: opens the library, picks a screen, keeps settings.

The App stays thin on purpose: the panes and their actions live in
``tui.screens.main``, the widgets in ``tui.widgets``. What is here is what
belongs to the whole process: the library handle, the UI lock that detects a
second instance, the theme and keymap the user chose (the library's UI state,
through ``store.api``), and first-run samples.
"""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App
from textual.binding import BindingType
from textual.message import Message
from textual.theme import Theme
from textual.worker import Worker

from store import api
from store.errors import DigestError
from tui.keys import APP_BINDINGS
from tui.screens.error import LibraryErrorScreen
from tui.screens.main import MainScreen
from tui.screens.main_view import FirstListing, first_listing
from tui.text import line
from tui.workers import report_worker_error

if TYPE_CHECKING:
    from filelock import FileLock
    from textual.driver import Driver

POLL_SECONDS = 1.0
LOADING_FRAME_AFTER = 0.4  # seconds: a slower library open shows the empty frame first
SECOND_INSTANCE = (
    "Another digest-tui is open on this library. Both can write: changes are merged "
    "safely, and this window picks up the other's every few seconds."
)


class DigestApp(App[int]):
    """A terminal reader for digests: Navigator | Episodes | Reader."""

    class LibraryOpened(Message):
        """The library opened (in a worker), with its first listing (All, no query)."""

        def __init__(self, lib: api.Library, first: FirstListing | None = None) -> None:
            super().__init__()
            self.lib = lib
            self.first = first

    class LibraryFailed(Message):
        """The library would not open: say why, instead of the panes."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class SamplesAdded(Message):
        """First-run samples went into the library."""

    class NewSinceVisit(Message):
        """Something arrived since the last visit: the brief is the first screen."""

        def __init__(self, brief: api.Brief) -> None:
            super().__init__()
            self.brief = brief

    def get_driver_class(self) -> type[Driver]:
        """Textual's choice of driver, but ``tui.driver.QuickStopDriver`` for its
        LinuxDriver: the same terminal handling, and a quit that does not wait ~0.2 s
        for the input thread."""
        chosen = super().get_driver_class()
        from textual import constants
        from textual.drivers.linux_driver import LinuxDriver

        if chosen is LinuxDriver and constants.DRIVER is None:  # not one TEXTUAL_DRIVER named
            from tui.driver import QuickStopDriver

            return QuickStopDriver
        return chosen

    CSS_PATH = "app.tcss"
    TITLE = "digest-tui"
    BINDINGS: ClassVar[list[BindingType]] = [*APP_BINDINGS]

    def __init__(
        self,
        data_dir: Path,
        config_override: str | None = None,
        *,
        first_run: bool = True,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        super().__init__()
        self.data_dir = Path(data_dir)
        self.config_override = config_override
        self.first_run = first_run
        self.poll_seconds = poll_seconds
        self.lib: api.Library | None = None
        self.load_error: str | None = None
        self.second_instance = False
        self._ui_lock: FileLock | None = None
        self._saved_theme: str | None = None
        self._frame_mounted: Any = None  # the loading frame's mount, while it is pending

    # -- start -----------------------------------------------------------------
    def on_mount(self) -> None:
        """Open the library in a thread; draw the panes when it is open.

        A library with a start-up cache opens in ~0.25 s at 100k entries: the
        panes are composed once, with their rows. Only if opening takes longer
        than LOADING_FRAME_AFTER is the empty frame ("Loading library…") drawn
        first. Composing the frame while the library loads made both slower:
        they share the GIL, and the frame was laid out and painted twice.
        """
        self._open_library()
        self.set_timer(LOADING_FRAME_AFTER, self._show_frame)

    def _show_frame(self) -> None:
        if self.main_screen is None and self.load_error is None:
            self._frame_mounted = self._push_main()[1]

    def _push_main(
        self, lib: api.Library | None = None, first: FirstListing | None = None
    ) -> tuple[MainScreen, Any]:
        """Push the main screen right over the default one: anything opened before
        it (the command palette) is closed, so nothing is left buried beneath it.
        With ``lib``, the screen attaches it as it mounts (``attach_on_mount``)."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        screen = MainScreen(None, config_override=self.config_override)
        if lib is not None:
            screen.attach_on_mount(lib, first)
        return screen, self.push_screen(screen)

    @work(thread=True, exclusive=True, group="open-library", exit_on_error=False)
    def _open_library(self) -> None:
        try:
            lib = api.open_library(self.data_dir, first_page=True)
            first = first_listing(lib)
        except DigestError as exc:
            self.post_message(self.LibraryFailed(str(exc)))
            return
        self.post_message(self.LibraryOpened(lib, first))

    @on(LibraryFailed)
    def _open_failed(self, event: LibraryFailed) -> None:
        self.load_error = event.error
        gc.enable()  # no first screen to wait for (tui.cli.main paused it)
        self.push_screen(LibraryErrorScreen(event.error))

    @on(LibraryOpened)
    async def _library_opened(self, event: LibraryOpened) -> None:
        lib = self.lib = event.lib
        self._restore_settings()
        screen = self.main_screen
        if screen is None:
            screen, mounted = self._push_main(lib, event.first)
            await mounted
        else:  # the loading frame is up (a slow open)
            if self._frame_mounted is not None:
                # pushed, maybe not composed yet (a slow machine): its panes must exist
                mounting, self._frame_mounted = self._frame_mounted, None
                await mounting
            screen.attach(lib, event.first)
        self._take_ui_lock()
        if self.second_instance:
            self.notify(SECOND_INSTANCE, title="Library shared", timeout=10)
        # the shell (`digest-tui bookmark`, a cron `refresh`) and another UI write the same
        # library: a stat of the index and the marks journal a second finds their writes
        self.set_interval(self.poll_seconds, self._poll)
        if self.first_run:
            self._first_run()
        screen.after_first_listing(self._check_brief)
        screen.after_first_listing(gc.enable)  # paused for the start-up (tui.cli.main)

    @work(thread=True, group="brief-check", exit_on_error=False)
    def _check_brief(self) -> None:
        """Open on the brief when something arrived since the last visit.

        Never on a library that was never visited (a first run: the samples are
        shown in the main screen; quitting records the first visit).
        """
        assert self.lib is not None
        if api.last_visit(self.lib) is None:
            return
        brief = api.brief(self.lib, complete=False)
        if not brief.empty:
            self.post_message(self.NewSinceVisit(brief))

    @on(NewSinceVisit)
    def _new_since_visit(self, event: NewSinceVisit) -> None:
        from tui.screens.brief import BriefScreen  # only when there is news

        main = self.main_screen
        # not over something the user has started meanwhile (a dialog, an entry open)
        if self.lib is None or main is None or self.screen is not main or main.reader.entry:
            return
        self.push_screen(BriefScreen(self.lib, event.brief), main.brief_closed)

    def _restore_settings(self) -> None:
        """Theme and keymap from the UI state; a bad value is ignored, not fatal."""
        assert self.lib is not None
        state = api.ui_state(self.lib)
        theme = state.get("theme")
        if isinstance(theme, str) and theme in self.available_themes:
            self.theme = theme
        self._saved_theme = self.theme
        keymap = state.get("keymap")
        if isinstance(keymap, dict):
            self.set_keymap({str(k): str(v) for k, v in keymap.items()})
        self.theme_changed_signal.subscribe(self, self._theme_changed)

    def _take_ui_lock(self) -> None:
        """A non-blocking lock: held means another UI is open on this library."""
        from filelock import FileLock, Timeout  # here: not on the way to the first paint

        try:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.data_dir / "ui.lock"), timeout=0)
            lock.acquire()
        except Timeout:
            self.second_instance = True
            return
        except OSError:
            return  # read-only place: writes will say so themselves
        self._ui_lock = lock

    def on_unmount(self) -> None:
        self._visit_over()
        if self._ui_lock is not None:
            self._ui_lock.release()

    def _visit_over(self) -> None:
        """Quitting is a visit: what the library holds now was there to see.

        A library that cannot be written (read-only, damaged) keeps its last
        visit: quitting must never fail for it.
        """
        if self.lib is None or self.load_error is not None:
            return
        with contextlib.suppress(DigestError, OSError):
            api.leave_brief(self.lib)

    @work(thread=True, group="first-run", exit_on_error=False)
    def _first_run(self) -> None:
        """Bundled samples for a library that never had anything (store decides)."""
        assert self.lib is not None
        try:
            added = api.ensure_samples(self.lib)
        except DigestError as exc:
            self.call_from_thread(self.notify, line(str(exc)), severity="warning")
            return
        if added:
            self.post_message(self.SamplesAdded())

    @on(SamplesAdded)
    def _library_changed(self) -> None:
        screen = self.main_screen
        if screen is not None:
            screen.requery()
            screen.load_tags()

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _poll(self) -> None:
        screen = self.main_screen
        if screen is not None:
            screen.reload_from_disk()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_error(self, event)

    # -- settings --------------------------------------------------------------
    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._saved_theme and self.lib is not None:
            self._saved_theme = theme.name
            self._save_theme(theme.name)

    @work(thread=True, group="settings", exit_on_error=False)
    def _save_theme(self, name: str) -> None:
        assert self.lib is not None

        try:
            api.update_ui_state(self.lib, lambda state: {**state, "theme": name})
        except DigestError as exc:
            self.call_from_thread(self.notify, line(str(exc)), severity="warning")

    # -- actions ---------------------------------------------------------------
    def action_quit_or_back(self) -> None:
        """``q`` in the reader goes back to the list (as newsboat's does); elsewhere it quits."""
        screen = self.main_screen
        if screen is not None and self.screen is screen and screen.in_reader():
            screen.action_escape()
            return
        self.exit()

    def action_help(self) -> None:
        if self.main_screen is None:
            return  # the first 0.4 s: the panes (and their keys) are not there yet
        from tui.screens.help import HelpScreen  # only when asked for

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def run_app(data_dir: Path, config_override: str | None = None) -> int:
    """Open the UI on a library; the exit status for ``digest-tui``."""
    app = DigestApp(data_dir, config_override)
    app.run()
    if app.return_code:
        return app.return_code
    return 1 if app.load_error else 0
