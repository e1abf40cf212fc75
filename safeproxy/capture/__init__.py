"""Tier-2 capture for replay: the texts the model read and wrote, encrypted at rest, kept for
a bounded time and size; opt-in (`capture.enabled`), off by default."""
