"""Start-up events."""


def on_startup(callback):
    callback()
