"""Commands that write notes (new, log, done, snooze, set): registered on the main group."""

from __future__ import annotations

from .cli import cli

__all__ = ["cli"]
