"""License-aware widgets."""
import pkg.core

__version__ = "0.1.0"

pkg.core.check_license()
