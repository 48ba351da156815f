"""Token-authenticated client."""
from .core import refresh_token as _rt
from .core import token_path as _tp

__version__ = "0.1.0"

TOKEN_FILE = _tp()


def login():
    _rt()
