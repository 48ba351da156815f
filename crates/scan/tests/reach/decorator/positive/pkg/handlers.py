"""Built-in handlers."""
from .registry import register


@register
def on_start():
    return "started"
