__version__ = "0.1.0"

from . import crash  # noqa: E402,F401
