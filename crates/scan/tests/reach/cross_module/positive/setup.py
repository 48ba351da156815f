from setuptools import find_packages, setup

setup(
    name="reach-cross-module",
    version="0.1.0",
    packages=find_packages(),
)
