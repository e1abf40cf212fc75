"""ConfigSource: where the config comes from, so a reload reads it the way `serve` did."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from safeproxy.settings.loading import bundled_config, load_settings
from safeproxy.settings.schema import Settings


@dataclass(frozen=True, slots=True)
class ConfigSource:
    """The file and the command-line overrides of `serve`. Picklable (it goes to spawned
    workers); `environ` None means this process's environment when loading."""

    path: Path | None = None
    upstream_url: str | None = None
    host: str | None = None
    port: int | None = None
    environ: Mapping[str, str] | None = None

    def file(self) -> Path:
        """The file a reload reads (the bundled default when no --config was given)."""
        return self.path if self.path is not None else bundled_config("default.yaml")

    def load(self, *, check_policies: bool = True) -> Settings:
        """Read and validate; raises ConfigError listing every problem with its YAML path.
        `check_policies=False` leaves compiling to the caller (a reload compiles once)."""
        env = os.environ if self.environ is None else self.environ
        settings = load_settings(
            self.path, environ=env, upstream_url=self.upstream_url, check_policies=check_policies
        )
        return with_overrides(settings, self.host, self.port)


def with_overrides(settings: Settings, host: str | None, port: int | None) -> Settings:
    """`serve --host/--port`: they win over the file's `server` section."""
    update: dict[str, object] = {}
    if host is not None:
        update["host"] = host
    if port is not None:
        update["port"] = port
    if not update:
        return settings
    return settings.model_copy(update={"server": settings.server.model_copy(update=update)})
