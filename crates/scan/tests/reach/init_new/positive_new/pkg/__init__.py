from .core import Registry

__version__ = "0.1.0"
