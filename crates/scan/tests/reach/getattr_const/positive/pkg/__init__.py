"""Stateful widgets."""
from . import core

__version__ = "0.1.0"

getattr(core, "sync_state")()
