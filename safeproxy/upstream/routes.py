"""Model name → route lookup: config-ordered globs, with a bounded memo of past answers."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from safeproxy.settings.schema import RouteSettings, Settings

# Model names are client input: the memo must not grow without bound.
_MEMO_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Target:
    """One attempt of a route: an upstream, and the model name to send it (None = unchanged)."""

    upstream: str
    model: str | None = None


@dataclass(frozen=True, slots=True)
class Route:
    label: str
    policy: str
    targets: tuple[Target, ...]  # the primary first, then fallbacks in order
    allow_uninspectable: bool = False
    pass_through_paths: frozenset[str] = frozenset()


class Router:
    def __init__(self, settings: Settings) -> None:
        self._rules: list[tuple[re.Pattern[str], Route]] = [
            (re.compile(fnmatch.translate(r.match.model)), _route(r)) for r in settings.routes
        ]
        self._memo: dict[str, Route | None] = {}

    def route(self, model: str) -> Route | None:
        """The first route whose glob matches `model`, or None."""
        try:
            return self._memo[model]
        except KeyError:
            pass
        # fnmatch globs translate to backtracking-free regexes over a short config string;
        # the model name itself is bounded by the body cap.
        found = next((route for rx, route in self._rules if rx.fullmatch(model)), None)
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[model] = found
        return found

    def routes(self) -> list[Route]:
        """Every route, in config order."""
        return [route for _, route in self._rules]

    def upstream_names(self) -> set[str]:
        return {t.upstream for _, route in self._rules for t in route.targets}


def _route(r: RouteSettings) -> Route:
    targets = (Target(r.upstream), *(Target(f.upstream, f.model) for f in r.fallbacks))
    paths = frozenset(r.pass_through_paths)
    return Route(r.label, r.policy, targets, r.allow_uninspectable, paths)
