import os

from setuptools import find_packages, setup

exec(open(os.path.join(os.path.dirname(__file__), "build_hooks.py")).read())

setup(
    name="reach-exec-file",
    version="0.1.0",
    packages=find_packages(),
)
