__version__ = "0.1.0"

from . import handlers  # noqa: E402,F401
