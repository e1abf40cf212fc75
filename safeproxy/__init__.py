"""safeproxy: an inference safety proxy for OpenAI-compatible model servers."""

__version__ = "0.1.0"
