from .core import connect

__version__ = "0.1.0"
