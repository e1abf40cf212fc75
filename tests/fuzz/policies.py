"""The bundled default policy (config/default.yaml) for the fuzzers, compiled once.

Compiling it takes seconds; every fuzz example reuses the one compiled policy (cached here
rather than in a fixture, because a Hypothesis test runs many examples per call).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, validate

# Every decoded view (README "Decoded views"), nested twice.
ALL_VIEWS = {
    "decoders": ["base64", "hex", "percent", "escapes", "entities", "rot13", "reversed",
                 "spaced", "numwords", "carriers"],
    "max_decoded_chars": 65536,
    "depth": 2,
}  # fmt: skip


@cache
def default_policy(views: bool = False) -> CompiledPolicy:
    """The default policy; with `views`, also reading every decoded view."""
    data: dict[str, Any] = yaml.safe_load(bundled_config("default.yaml").read_text("utf-8"))
    if views:
        data["policies"]["default"]["views"] = ALL_VIEWS
    settings = validate(data)
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    return compile_policies(settings.policies, compiler)["default"]
