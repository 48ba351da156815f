__version__ = "0.1.0"

from . import debug  # noqa: E402,F401
