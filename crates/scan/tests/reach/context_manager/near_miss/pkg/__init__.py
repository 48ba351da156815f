from .core import guarded

__version__ = "0.1.0"
