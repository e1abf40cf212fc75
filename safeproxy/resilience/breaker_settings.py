"""The breakers' settings: the upstream-health breaker's and the route-safety breaker's, each
checked when made (a bad value fails at load, not at the first trip)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BreakerSettings:
    """The upstream-health breaker: trips on failures in a row, or on a failure share."""

    consecutive_failures: int = 5
    failure_ratio: float = 0.5
    min_requests: int = 20
    window_s: float = 30.0
    cooldown_s: float = 5.0
    max_cooldown_s: float = 300.0
    half_open_probes: int = 1
    successes_to_close: int = 1

    def __post_init__(self) -> None:
        _positive("consecutive_failures", self.consecutive_failures)
        _check_common(
            self.failure_ratio,
            self.min_requests,
            self.window_s,
            self.cooldown_s,
            self.max_cooldown_s,
            self.half_open_probes,
            self.successes_to_close,
        )


@dataclass(frozen=True, slots=True)
class SafetyBreakerSettings:
    """The route-safety breaker: trips when too many responses carry an output violation."""

    violation_ratio: float = 0.2
    min_requests: int = 50
    window_s: float = 300.0
    cooldown_s: float = 60.0
    max_cooldown_s: float = 3600.0
    half_open_probes: int = 5
    successes_to_close: int = 5

    def __post_init__(self) -> None:
        _check_common(
            self.violation_ratio,
            self.min_requests,
            self.window_s,
            self.cooldown_s,
            self.max_cooldown_s,
            self.half_open_probes,
            self.successes_to_close,
        )


def _positive(name: str, value: float) -> None:
    if not value > 0:
        raise ValueError(f"{name} must be > 0, got {value}")


def _check_common(
    ratio: float,
    min_requests: int,
    window_s: float,
    cooldown_s: float,
    max_cooldown_s: float,
    half_open_probes: int,
    successes_to_close: int,
) -> None:
    if not 0.0 < ratio <= 1.0:
        raise ValueError(f"the trip ratio must be in (0, 1], got {ratio}")
    _positive("min_requests", min_requests)
    _positive("window_s", window_s)
    _positive("cooldown_s", cooldown_s)
    if max_cooldown_s < cooldown_s:
        raise ValueError(f"max_cooldown_s ({max_cooldown_s}) is below cooldown_s ({cooldown_s})")
    _positive("half_open_probes", half_open_probes)
    _positive("successes_to_close", successes_to_close)
