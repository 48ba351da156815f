__version__ = "0.1.0"

from . import monitor  # noqa: E402,F401
