"""Screens: the main three-pane screen, help, and the library error screen."""
