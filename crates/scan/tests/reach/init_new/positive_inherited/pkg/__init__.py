from .core import client

__version__ = "0.1.0"
