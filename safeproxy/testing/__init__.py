"""Test support shipped with the package: the mock OpenAI-compatible upstream."""
