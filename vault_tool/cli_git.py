"""Commands about git (history, init, hooks): registered on the main group."""

from __future__ import annotations

from .cli import cli

__all__ = ["cli"]
