__version__ = "0.1.0"

from . import logs  # noqa: E402,F401
