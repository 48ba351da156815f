"""Widgets with a helper process."""
import subprocess
import sys

__version__ = "0.1.0"


def start_daemon():
    return subprocess.Popen([sys.executable, "-m", "pkg.worker"])
