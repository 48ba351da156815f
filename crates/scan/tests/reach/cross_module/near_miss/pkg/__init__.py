"""Agent bootstrap."""
from .core import start_agent

__all__ = ["start_agent"]
__version__ = "0.1.0"
