"""`pip install .` installs no extras: the proxy serves without them, and a config that needs
one names the install command instead of crashing (the README's first command)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from safeproxy.settings.loading import environment_problems, load_settings

ROOT = Path(__file__).resolve().parents[2]

# Import names of what each non-dev extra brings (distribution names differ from them).
EXTRA_MODULES = {
    "redis": ["redis"],
    "postgres": ["psycopg", "psycopg_pool"],
    "capture": ["cryptography"],
    "local-judge": ["profanity_check", "sklearn", "joblib"],
    "train": ["sklearn", "numpy", "scipy"],
}

# `sys.modules[name] = None` makes `import name` raise ImportError and
# `importlib.util.find_spec(name)` answer None: exactly what an absent package does.
PRELUDE = """
import sys
for name in {modules!r}:
    sys.modules[name] = None
"""


def blocked_modules() -> list[str]:
    return sorted({m for mods in EXTRA_MODULES.values() for m in mods})


def run_without_extras(code: str) -> subprocess.CompletedProcess[str]:
    script = PRELUDE.format(modules=blocked_modules()) + code
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def test_every_extra_is_covered() -> None:
    # A new extra must be listed above, or this file would not notice it being imported.
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = {k for k in meta["optional-dependencies"] if k not in ("dev",)}
    assert extras == set(EXTRA_MODULES)
    for reqs in (meta["optional-dependencies"][k] for k in extras):
        for req in reqs:
            assert re.match(r"[A-Za-z0-9_.-]+", req)


def test_the_bundled_configs_build_without_any_extra() -> None:
    result = run_without_extras(
        "import safeproxy.cli, safeproxy.testing.demo, safeproxy.edge.server\n"
        "from safeproxy.app import build_app\n"
        "from safeproxy.settings.loading import (\n"
        "    bundled_config, environment_problems, load_settings)\n"
        "for name in ('default.yaml', 'demo.yaml'):\n"
        "    settings = load_settings(bundled_config(name))\n"
        "    assert environment_problems(settings, {}) == [], name\n"
        "    build_app(settings)\n"
        "print('built')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "built"


def test_a_config_that_needs_redis_names_the_install_command(tmp_path: Path) -> None:
    config = tmp_path / "redis.yaml"
    config.write_text(
        "upstreams: [{name: u, base_url: 'http://127.0.0.1:9'}]\n"
        "routes: [{upstream: u}]\n"
        "rate_limits:\n"
        "  backend: redis\n"
        "  rules: [{name: r, requests: {per_minute: 60}}]\n"
        "quarantine: {enabled: true, backend: redis}\n"
    )
    result = run_without_extras(
        f"from safeproxy.cli import main\nsys.exit(main(['serve', '--config', {str(config)!r}]))\n"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    needs = "the redis backend needs: pip install 'safeproxy[redis]'"
    assert f"rate_limits.backend: {needs}" in result.stderr
    assert f"quarantine.backend: {needs}" in result.stderr
    # With the package installed (the dev extras) the same config asks for nothing.
    assert environment_problems(load_settings(config), {}) == []


def test_a_config_that_captures_names_the_install_command(tmp_path: Path) -> None:
    config = tmp_path / "capture.yaml"
    config.write_text(
        "upstreams: [{name: u, base_url: 'http://127.0.0.1:9'}]\n"
        "routes: [{upstream: u}]\n"
        f"capture: {{enabled: true, path: '{tmp_path / 'c'}', key_env: K}}\n"
    )
    result = run_without_extras(
        "from pathlib import Path\n"
        "from safeproxy.settings.loading import environment_problems, load_settings\n"
        f"print(environment_problems(load_settings(Path({str(config)!r})), {{'K': 'x'}}))\n"
    )
    assert result.returncode == 0, result.stderr
    assert "capture needs: pip install 'safeproxy[capture]'" in result.stdout


def test_a_config_that_needs_postgres_names_the_install_command_and_the_dsn(
    tmp_path: Path,
) -> None:
    config = tmp_path / "postgres.yaml"
    config.write_text(
        "upstreams: [{name: u, base_url: 'http://127.0.0.1:9'}]\n"
        "routes: [{upstream: u}]\n"
        "review: {enabled: true, store: {backend: postgres, dsn_env: REVIEW_DSN}}\n"
    )
    result = run_without_extras(
        f"from safeproxy.cli import main\nsys.exit(main(['serve', '--config', {str(config)!r}]))\n"
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    needs = "the postgres backend needs: pip install 'safeproxy[postgres]'"
    assert f"review.store.backend: {needs}" in result.stderr
    assert "review.store.dsn_env: environment variable REVIEW_DSN is not set" in result.stderr
    # With the package installed and the variable set, nothing is missing.
    settings = load_settings(config)
    assert environment_problems(settings, {"REVIEW_DSN": "host=127.0.0.1"}) == []
