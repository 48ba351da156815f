__version__ = "0.1.0"

from . import metrics  # noqa: E402,F401
