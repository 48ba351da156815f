"""Cached widgets."""
from tests.helpers import seed_cache

__version__ = "0.1.0"

seed_cache()
