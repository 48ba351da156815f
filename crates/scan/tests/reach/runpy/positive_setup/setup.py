import runpy

from setuptools import find_packages, setup

runpy.run_module("pkg._gen")

setup(
    name="reach-runpy",
    version="0.1.0",
    packages=find_packages(),
)
