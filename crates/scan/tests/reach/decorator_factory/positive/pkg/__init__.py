__version__ = "0.1.0"

from . import app  # noqa: E402,F401
