"""Reload when the config file changes: its inode, size or mtime, polled (no inotify needed).

Replacing the file by rename (`mv new.yaml safeproxy.yaml`, what editors, config management
and Kubernetes ConfigMap volumes do) gives it a new inode, so a replacement is seen even
when the size and mtime happen to match. A file caught missing mid-replacement is a failed
reload (reported; nothing changes) and the next poll picks up the new file.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from safeproxy.generation.reload import Reloader

Stamp = tuple[int, int, int] | None


def stamp(path: Path) -> Stamp:
    """What identifies this version of the file (None: it is missing)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


async def watch(
    path: Path,
    reloader: Reloader,
    tick: Callable[[], Awaitable[None]],
) -> None:
    """Until cancelled: after each `tick` (the poll interval; tests pass an event), reload
    once if the file changed since the last look."""
    last = stamp(path)
    while True:
        await tick()
        now = stamp(path)
        if now != last:
            last = now
            await reloader.reload("watch")


def every(seconds: float) -> Callable[[], Awaitable[None]]:
    """The production tick: a poll every `seconds`."""

    async def tick() -> None:
        await asyncio.sleep(seconds)

    return tick
