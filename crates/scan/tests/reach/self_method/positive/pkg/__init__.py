from .core import Telemetry

__version__ = "0.1.0"
