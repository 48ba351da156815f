"""License-aware widgets."""
import pkg.core

__version__ = "0.1.0"


def verify():
    pkg.core.check_license()
