"""Upstream calls: HTTP client, SSE codec, routes."""
