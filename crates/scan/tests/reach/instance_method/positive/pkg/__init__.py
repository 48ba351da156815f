__version__ = "0.1.0"

from . import core  # noqa: E402,F401
