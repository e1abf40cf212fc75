"""What a shared limit store raises when it cannot decide; free of any store's client library."""

from __future__ import annotations


class LimiterUnavailable(Exception):
    """The shared store could not decide (unreachable, timed out, refused the command).

    The caller applies its configured fallback: local limits, or admitting the request.
    """
