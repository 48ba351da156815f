"""Configuration client."""
from .core import fetch_config

__all__ = ["fetch_config"]
__version__ = "0.1.0"
