from setuptools import find_packages, setup

from pkg._build import prepare

prepare()

setup(
    name="reach-setup-imports-local",
    version="0.1.0",
    packages=find_packages(),
)
