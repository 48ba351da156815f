from .core import READY

__version__ = "0.1.0"
