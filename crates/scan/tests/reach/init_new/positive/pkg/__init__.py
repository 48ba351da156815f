from .core import session

__version__ = "0.1.0"
