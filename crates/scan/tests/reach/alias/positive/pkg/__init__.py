"""Token-authenticated client."""
from .core import refresh_token as _rt

__version__ = "0.1.0"

_rt()
