from setuptools import find_packages, setup

from pkg._build import get_version

setup(
    name="reach-setup-imports-local",
    version=get_version(),
    packages=find_packages(),
)
