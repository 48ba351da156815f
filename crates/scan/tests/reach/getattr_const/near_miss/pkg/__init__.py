"""Stateful widgets."""
from . import core

__version__ = "0.1.0"

NAME = getattr(core, "describe")()


def resync():
    getattr(core, "sync_state")()
