from .core import make_plugin

__version__ = "0.1.0"
