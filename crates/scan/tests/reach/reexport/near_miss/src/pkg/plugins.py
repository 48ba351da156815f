"""Plugin loading."""
from pkg import fetch_config


def reload_plugins():
    fetch_config()
