from setuptools import find_packages, setup

setup(
    name="reach-sitecustomize",
    version="0.1.0",
    packages=find_packages(),
    py_modules=["sitecustomize"],
)
