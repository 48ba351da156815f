"""Pluggable collectors."""
import importlib

__version__ = "0.1.0"

_impl = importlib.import_module("pkg.core")


def refresh():
    _impl.collect()
