"""A reload compiles only what changed: the compiler keeps the databases of its last round,
by what they compile, and lets older ones go."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from safeproxy.filters import policy as policy_module
from safeproxy.filters.confusables import skeleton_table
from safeproxy.filters.normalize import Normalizer
from safeproxy.filters.policy import Compiler, compile_policies
from safeproxy.filters.scanner import Scanner
from safeproxy.filters.skeleton import Skeleton
from safeproxy.settings.schema import Settings

ROOT = Path(__file__).resolve().parents[2]


def _policies(raw: dict[str, Any]) -> Any:
    return Settings.model_validate(raw).policies


def test_an_unchanged_policy_recompiles_no_database(monkeypatch: Any) -> None:
    built: list[object] = []
    real = Scanner

    def counting(*args: Any, **kwargs: Any) -> Any:
        scanner = real(*args, **kwargs)
        built.append(scanner)
        return scanner

    monkeypatch.setattr(policy_module, "Scanner", counting)
    raw = yaml.safe_load((ROOT / "config" / "default.yaml").read_text())
    compiler = Compiler(Normalizer(), Skeleton(skeleton_table()), {})
    first = compile_policies(_policies(raw), compiler)
    assert built  # the first round compiles
    count = len(built)
    second = compile_policies(_policies(raw), compiler)
    assert len(built) == count  # the same patterns: every database reused
    assert second["default"].version == first["default"].version
    # A changed input stage compiles its own databases again; the output stage is reused.
    raw["policies"]["default"]["input"].append({"type": "blocklist", "words": ["launch codes"]})
    third = compile_policies(_policies(raw), compiler)
    assert count < len(built) < 2 * count
    assert third["default"].input.finder is not second["default"].input.finder
