"""Fixtures the unit tests share."""

from __future__ import annotations

import pytest

from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import CompiledPolicy, Compiler, compile_policies
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.loading import bundled_config, load_settings


@pytest.fixture(scope="module")
def policy() -> CompiledPolicy:
    """The bundled default policy, compiled once per test module that asks for it."""
    settings = load_settings(bundled_config("default.yaml"))
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    return compile_policies(settings.policies, compiler)["default"]
