from .core import status_line

__version__ = "0.1.0"
