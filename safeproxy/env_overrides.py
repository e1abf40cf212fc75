"""SAFEPROXY_* environment variables as config overrides."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

ENV_PREFIX = "SAFEPROXY_"
# `SAFEPROXY_SERVER__PORT=9000` sets server.port; numeric parts index lists.
ENV_NESTING = "__"


def apply_env_overrides(data: dict[str, Any], environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """Set `data` paths from SAFEPROXY_A__B=value variables; values are parsed as YAML scalars."""
    problems: list[tuple[str, str]] = []
    for key in sorted(environ):
        if not key.startswith(ENV_PREFIX):
            continue
        parts = [p.lower() for p in key[len(ENV_PREFIX) :].split(ENV_NESTING)]
        if not all(parts):
            problems.append((key, "malformed override name"))
            continue
        try:
            value = yaml.safe_load(environ[key])
        except yaml.YAMLError:
            problems.append((key, "override value is not valid YAML"))
            continue
        node: Any = data
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    problems.append((".".join(parts[: depth + 1]), f"no list item for {key}"))
                    break
                if last:
                    node[int(part)] = value
                else:
                    node = node[int(part)]
            elif isinstance(node, dict):
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, {})
            else:
                problems.append(
                    (".".join(parts[:depth]), f"cannot override inside a scalar ({key})")
                )
                break
    return problems
