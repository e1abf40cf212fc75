"""Game day: two bad candidate policies roll back by themselves. python benchmarks/game_day.py

Starts the mock model and `safeproxy serve` with two routes, each with a canary rollout that
starts at once (1 s analysis intervals, half the clients on the candidate):

* `chat`: the candidate blocks a word of an ordinary workflow ("invoice"), so its block rate
  jumps against the baseline's;
* `support`: the candidate drops PII redaction, so e-mail addresses would reach the model; its
  redact rate falls against the baseline's.

Mixed traffic from 40 clients (each its own credential, so the keyed hash splits them) runs
until both rollouts are rolled back, or 60 s. Then it prints each rollout's history (the
admin API) and M3 (time to detect) and M4 (time to mitigate) from `/metrics`.

With `--workers N`, M4 runs until every worker acknowledged the rollback.

Issue 15's target: rolled back within 3 failed intervals; M4 <= 1 s plus one reload.
Everything listens on 127.0.0.1; every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import itertools
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet import HOST, LOAD_CORE, PROXY_CORE, Fleet, free_port, wait_ready

ADMIN_TOKEN = "game-day-admin"  # a throwaway token for this run's loopback admin listener
CLIENTS = 40
CONCURRENCY = 8
LIMIT_S = 60.0
INTERVAL_S = 1.0
PROMPTS = [
    ("chat-m", "Please draft the invoice for the March order."),
    ("chat-m", "Summarise this week's meetings in three bullets."),
    ("support-m", "My address is jane.doe@acme-corp.io, please update my account."),
    ("support-m", "How do I reset my password?"),
]


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def config(port: int, admin_port: int, upstream_port: int) -> dict[str, Any]:
    analysis = {
        "interval_s": INTERVAL_S,
        "max_failed": 1,
        "metrics": {
            "block_rate": {"max_increase": 0.05, "max_decrease": 0.05, "min_samples": 10},
            "redact_rate": {"max_increase": 0.05, "max_decrease": 0.05, "min_samples": 10},
        },
    }
    rollout = {"mode": "canary", "steps": [50], "start": "auto", "analysis": analysis}
    pii = {"type": "pii", "entities": ["email"], "action": "redact"}
    return {
        "server": {"host": HOST, "port": port},
        "upstreams": [{"name": "mock", "base_url": f"http://{HOST}:{upstream_port}"}],
        "routes": [
            {"name": "chat", "match": {"model": "chat-*"}, "upstream": "mock", "policy": "base"},
            {
                "name": "support",
                "match": {"model": "support-*"},
                "upstream": "mock",
                "policy": "base",
            },
        ],
        "policies": {
            "base": {"input": [pii]},
            "blocks-invoices": {
                "input": [pii, {"type": "blocklist", "words": ["invoice"], "action": "block"}]
            },
            "lets-pii-out": {"input": []},
        },
        "rollouts": {
            "chat": {"candidate": "blocks-invoices", **rollout},
            "support": {"candidate": "lets-pii-out", **rollout},
        },
        "admin": {
            "enabled": True,
            "host": HOST,
            "port": admin_port,
            "tokens": [
                {"name": "game-day", "sha256": hashlib.sha256(ADMIN_TOKEN.encode()).hexdigest()}
            ],
        },
        "readiness": {"interval_s": 60},
    }


async def status(session: aiohttp.ClientSession, admin: str) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    async with session.get(admin + "/admin/rollouts", headers=headers) as resp:
        body: dict[str, Any] = await resp.json()
        return body


def rollouts_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = body["rollouts"]
    return found


def phases(body: dict[str, Any]) -> dict[str, str]:
    return {str(r["route"]): str(r["phase"]) for r in rollouts_of(body)}


async def drive(proxy: str, admin: str) -> tuple[dict[str, Any], str, int]:
    sent = 0
    deadline = time.monotonic() + LIMIT_S
    work = itertools.cycle(
        [(c, m, p) for c in range(CLIENTS) for m, p in PROMPTS]
    )  # every client sends every kind of prompt
    async with aiohttp.ClientSession() as session:

        async def one() -> None:
            nonlocal sent
            while time.monotonic() < deadline and not done.is_set():
                client, model, prompt = next(work)
                body = {"model": model, "messages": [{"role": "user", "content": prompt}]}
                headers = {"Authorization": f"Bearer client-{client}"}
                async with session.post(
                    proxy + "/v1/chat/completions", data=orjson.dumps(body), headers=headers
                ) as resp:
                    await resp.read()
                sent += 1

        async def watch() -> None:
            while time.monotonic() < deadline:
                if set(phases(await status(session, admin)).values()) == {"rolled_back"}:
                    done.set()
                    return
                await asyncio.sleep(0.2)  # polling an external process's state, bounded
            done.set()

        done = asyncio.Event()
        await asyncio.gather(watch(), *(one() for _ in range(CONCURRENCY)))
        async with session.get(proxy + "/metrics") as resp:
            metrics = await resp.text()
        return await status(session, admin), metrics, sent


def histogram(metrics: str, name: str) -> tuple[float, float]:
    def value(suffix: str) -> float:
        m = re.search(rf'^{name}_{suffix}{{kind="canary"}} (\S+)$', metrics, re.M)
        return float(m.group(1)) if m else float("nan")

    return value("sum"), value("count")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="safeproxy serve --workers N")
    args = parser.parse_args()
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="safeproxy-game-day-") as tmp:
        fleet = Fleet(Path(tmp))
        try:
            up, port, admin_port = free_port(), free_port(), free_port()
            mock_argv = [py, "-m", "safeproxy", "mock-upstream", "--host", HOST, "--port", str(up)]
            mock = fleet.start("mock", LOAD_CORE, mock_argv, up)
            path = Path(tmp) / "game-day.yaml"
            path.write_text(yaml.safe_dump(config(port, admin_port, up), sort_keys=False))
            proxy = fleet.start(
                "safeproxy",
                PROXY_CORE,
                [py, "-m", "safeproxy", "serve", "--config", str(path)],
                port,
            )
            wait_ready(mock, "/v1/models")
            wait_ready(proxy, "/healthz", timeout_s=180)
            started = time.monotonic()
            final, metrics, sent = asyncio.run(drive(proxy.url, f"http://{HOST}:{admin_port}"))
            took = time.monotonic() - started
        finally:
            fleet.stop_all()
    print(f"{sent} requests in {took:.1f} s, analysis every {INTERVAL_S:g} s, "
          f"{args.workers} worker(s)\n")  # fmt: skip
    rollouts = rollouts_of(final)
    print("| route | candidate | phase | failed intervals | reason |")
    print("|---|---|---|---:|---|")
    for r in rollouts:
        candidate = r["candidate"]["policy"]
        print(f"| {r['route']} | {candidate} | {r['phase']} | {r['failed_intervals']} | "
              f"{r['reason']} |")  # fmt: skip
    print()
    for label, name in (("M3 time to detect", "safeproxy_time_to_detect_seconds"),
                        ("M4 time to mitigate", "safeproxy_time_to_mitigate_seconds")):  # fmt: skip
        total, count = histogram(metrics, name)
        mean = total / count if count else float("nan")
        print(f"{label} (kind canary): {count:g} rollbacks, mean {mean:.3f} s")
    ok = all(r["phase"] == "rolled_back" for r in rollouts)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
