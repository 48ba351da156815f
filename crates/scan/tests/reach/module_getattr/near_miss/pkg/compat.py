"""Backwards-compatible names."""
import pkg


def legacy_client():
    return pkg.legacy_client
