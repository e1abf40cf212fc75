"""Resilience: circuit breakers and outlier ejection (pure logic, time injected)."""
