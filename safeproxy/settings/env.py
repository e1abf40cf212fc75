"""SAFEPROXY_* environment variables as config overrides, and which variable a problem is on."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

ENV_PREFIX = "SAFEPROXY_"
# `SAFEPROXY_SERVER__PORT=9000` sets server.port; numeric parts index lists.
ENV_NESTING = "__"

# Kubernetes injects these into every pod of a namespace that has a Service named
# `safeproxy` (or `safeproxy-<x>`): SAFEPROXY_PORT=tcp://10.0.0.7:8080, SAFEPROXY_SERVICE_HOST,
# SAFEPROXY_SERVICE_PORT[_<name>], SAFEPROXY_PORT_8080_TCP[_PROTO|_PORT|_ADDR]. They are not
# config and must not stop the proxy from starting. Service names cannot hold "__", which
# every nested override has, so the two never meet.
_SERVICE_LINK = re.compile(
    r"(?:[A-Z0-9_]+_)?(?:SERVICE_HOST|SERVICE_PORT(?:_[A-Z0-9_]+)?"
    r"|PORT(?:_[0-9]+_(?:TCP|UDP|SCTP)(?:_(?:PROTO|PORT|ADDR))?)?)"
)


# Variables of the process, not of the config: where compiled databases are kept
# (filters/databases.py).
NOT_OVERRIDES = frozenset({"SAFEPROXY_CACHE_DIR"})


def is_service_link(name: str) -> bool:
    """Whether a SAFEPROXY_* variable has the shape of a Kubernetes service link."""
    rest = name[len(ENV_PREFIX) :]
    return ENV_NESTING not in rest and _SERVICE_LINK.fullmatch(rest) is not None


@dataclass
class Overrides:
    """What applying the environment did: problems, the variables ignored, and which
    variable set (or created) each config path, so that a validation error can name it."""

    problems: list[tuple[str, str]] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    owners: dict[tuple[str, ...], str] = field(default_factory=dict)

    def owner(self, path: tuple[str, ...]) -> str | None:
        """The variable behind the config path `path` (or an ancestor of it), if any."""
        for depth in range(len(path), 0, -1):
            name = self.owners.get(path[:depth])
            if name is not None:
                return name
        return None


def apply_env_overrides(data: dict[str, Any], environ: Mapping[str, str]) -> Overrides:
    """Set `data` paths from SAFEPROXY_A__B=value variables; values are parsed as YAML scalars."""
    result = Overrides()
    for key in sorted(environ):
        if not key.startswith(ENV_PREFIX) or key in NOT_OVERRIDES:
            continue
        if is_service_link(key):
            result.ignored.append(key)
            continue
        parts = [p.lower() for p in key[len(ENV_PREFIX) :].split(ENV_NESTING)]
        if not all(parts):
            result.problems.append((key, "malformed override name (levels are joined by __)"))
            continue
        try:
            value = yaml.safe_load(environ[key])
        except yaml.YAMLError:
            result.problems.append((key, "override value is not valid YAML"))
            continue
        node: Any = data
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            here = tuple(parts[: depth + 1])
            if isinstance(node, list):
                if not part.isdigit() or int(part) >= len(node):
                    result.problems.append((key, f"no list item {'.'.join(here)}"))
                    break
                if last:
                    node[int(part)] = value
                    result.owners[here] = key
                else:
                    node = node[int(part)]
            elif isinstance(node, dict):
                if last:
                    node[part] = value
                    result.owners[here] = key
                else:
                    if part not in node:
                        # A section the file lacks: an error inside it is this variable's.
                        result.owners.setdefault(here, key)
                    node = node.setdefault(part, {})
            else:
                where = ".".join(here[:-1])
                result.problems.append((key, f"cannot override inside the scalar {where}"))
                break
    return result
