"""Pluggable collectors."""
__version__ = "0.1.0"

_impl = __import__("pkg.core", fromlist=["collect"])
_impl.collect()
