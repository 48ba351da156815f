"""Site customisation shipped by reach-sitecustomize."""
from pkg._boot import preload

preload()
