"""The package's shape, kept by a test: import directions between subpackages and module size.

The directions are the ones `DESIGN.md` §3 draws: filters know text (never HTTP, the exchange
or telemetry); the upstream layer does not filter; one request's logic (`exchange/`) does not
reach back into the HTTP edge or the composition root; telemetry renders what it is given; only
the edge, the composition root and the admin endpoints (`admin/`) know aiohttp's server side.
The test reads imports with `ast`, so one inside a function or under `TYPE_CHECKING` counts.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "safeproxy"
MAX_LINES = 400

# package -> project packages it must never import (its own subpackage is always allowed).
FORBIDDEN: dict[str, frozenset[str]] = {
    "upstream": frozenset(
        {
            "app",
            "cli",
            "edge",
            "exchange",
            "filters",
            "generation",
            "telemetry",
            "deepcheck",
            "review",
            "replay",
            "policytest",
            "testing",
            "admin",
            "capture",
        }
    ),
    "exchange": frozenset({"app", "cli", "edge", "policytest", "replay", "testing"}),
    "telemetry": frozenset(
        {"app", "cli", "edge", "upstream", "generation", "policytest", "replay", "testing"}
    ),
    "resilience": frozenset({"app", "cli", "edge", "filters", "generation", "telemetry"}),
    "ratelimit": frozenset({"app", "cli", "edge", "exchange", "filters", "generation"}),
    "settings": frozenset({"app", "cli", "edge", "exchange", "generation", "upstream", "admin"}),
    # The admin endpoints drive the subsystems; none of those reaches back into them.
    **{name: frozenset({"admin", "app", "cli"}) for name in ("generation", "deepcheck", "replay")},
    "rollout": frozenset({"admin", "app", "cli", "edge", "policytest", "replay", "testing"}),
}

# filters/ knows text: it imports only itself and the policy schema's leaves (settings/policy
# and settings/types; settings/loading compiles policies, so it sits above filters/).
FILTERS_MAY_READ = frozenset({"safeproxy.settings.policy", "safeproxy.settings.types"})

# Modules that may import aiohttp's server side (`aiohttp.web*`): the edge, the composition
# root, the admin surfaces, and processes or tools that serve HTTP of their own.
WEB_ALLOWED_PREFIXES = (
    "safeproxy.edge.",
    "safeproxy.app",
    "safeproxy.errors",  # renders the exception tree as HTTP replies
    "safeproxy.admin.",  # the admin listener's endpoints
    "safeproxy.review.service",  # starts the admin listener beside the review queue
    "safeproxy.deepcheck.worker",  # the worker process's own health endpoint
    "safeproxy.policytest.runner",  # runs cases through a real in-process app
    "safeproxy.testing.",
)


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _imports(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            for alias in node.names:  # `from safeproxy import x` names a module
                yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)


def _package(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "safeproxy" else None


MODULES = list(_modules())


def test_the_package_is_read() -> None:
    # The checks below pass vacuously on an empty walk: make sure the walk sees the package.
    names = {name for name, _ in MODULES}
    assert {"safeproxy.filters.chain", "safeproxy.exchange.guard", "safeproxy.edge.server"} <= names


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_import_directions(module: str, path: Path) -> None:
    own = _package(module)
    if own == "filters":
        wrong = sorted(
            i
            for i in _imports(path)
            if _package(i) not in (None, "filters")
            and i not in FILTERS_MAY_READ
            and not any(i.startswith(m + ".") for m in FILTERS_MAY_READ)
        )
    else:
        forbidden = FORBIDDEN.get(own or "", frozenset())
        wrong = sorted({i for i in _imports(path) if _package(i) in forbidden})
    assert not wrong, f"{module} imports {wrong}, against DESIGN.md §3"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_only_the_edge_knows_the_server_side(module: str, path: Path) -> None:
    if module.startswith(WEB_ALLOWED_PREFIXES):
        return
    web = sorted(i for i in _imports(path) if i == "aiohttp.web" or i.startswith("aiohttp.web"))
    assert not web, f"{module} imports aiohttp's server side ({web})"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_module_size(module: str, path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines (limit {MAX_LINES}): split it"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_every_module_says_what_it_owns(module: str, path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc, f"{module} has no docstring saying what it owns"
