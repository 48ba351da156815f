__version__ = "0.1.0"

from . import mirrors  # noqa: E402,F401
