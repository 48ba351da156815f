import importlib

from setuptools import find_packages, setup

importlib.import_module("pkg._hooks")

setup(
    name="reach-import-module",
    version="0.1.0",
    packages=find_packages(),
)
