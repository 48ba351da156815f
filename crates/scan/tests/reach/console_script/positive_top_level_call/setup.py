from setuptools import find_packages, setup

setup(
    name="reach-console-script",
    version="0.1.0",
    packages=find_packages(),
    entry_points={"console_scripts": ["tool=pkg.cli:main"]},
)
