__version__ = "0.1.0"

from . import sync  # noqa: E402,F401
