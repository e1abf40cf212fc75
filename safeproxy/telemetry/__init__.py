"""Telemetry: metrics (and, later, tracing and audit)."""
