from .core import Plugin

__version__ = "0.1.0"
