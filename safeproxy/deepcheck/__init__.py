"""Sampled deep checks: model judges run within a latency budget or off the hot path."""
