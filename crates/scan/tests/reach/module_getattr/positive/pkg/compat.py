"""Backwards-compatible names."""
import pkg

LegacyClient = pkg.legacy_client
