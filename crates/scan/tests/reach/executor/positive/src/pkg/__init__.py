__version__ = "0.1.0"

from . import cache  # noqa: E402,F401
