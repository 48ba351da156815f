"""Plugin loading."""
from pkg import fetch_config

fetch_config()
