from .core import Extension

__version__ = "0.1.0"
