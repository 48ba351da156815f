from setuptools import find_packages, setup

setup(
    name="reach-del-method",
    version="0.1.0",
    packages=find_packages(),
)
