"""Worker-backed widgets."""
import runpy

__version__ = "0.1.0"

runpy.run_module("pkg.worker")
