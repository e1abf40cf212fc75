"""What deep checks add to a request's latency: async (sampled, off the request path) and sync.

Issue 6's numbers: with async deep checks at a 5 % sample rate against a judge that takes
100 ms, the proxy's added p50 stays within 10 % of the no-deep-check run; with sync checks,
the added latency is the judge's latency plus at most 1 ms.

Nine targets, all on 127.0.0.1, answer sequential (concurrency 1) requests:

* ``direct``         - the bundled mock model (``safeproxy mock-upstream``), no proxy;
* ``no deep checks`` - ``safeproxy serve`` with the bundled config/default.yaml's ``default``
  policy (loaded with ``load_settings``) in front of the mock;
* ``async 5 %``      - the same policy plus an async input check by a fake Llama Guard
  (``FakeJudge``, 100 ms server-side delay) on 5 % of requests, chosen by rate only;
* ``sync``           - the same policy plus a sync input check of every request by another
  fake Llama Guard (verdict cache off, so every request calls it);
* ``judge direct``   - the client POSTs the sync judge's ``/v1/completions`` itself, with the
  prompt the proxy would build (Llama Guard's template, categories and the same ~2 KB
  conversation): the judge's own latency, the baseline the sync row is judged against;

and four for context. ``twin`` is a second no-deep-check proxy, identical to the first:
two processes with one config differ by a few per cent on this kind of machine, and the
async ratio cannot be read more finely than theirs. The other three read the sync figure.
While a sync check waits for the judge, the proxy and the mock sit idle, and a request after
an idle spell is slower (cold caches and branch predictors, most likely: keeping the vCPUs
busy with SCHED_IDLE spinners did not remove it), whatever the proxy does:

* ``sync0``, ``judge0`` - the sync check against a third fake judge that answers at once,
  and that judge direct: nothing idles, so what is left is the sync check's own cost;
* ``paced``             - the no-deep-check proxy again, the client idle for 100 ms
  (untimed) before each request: the idle spell's cost on its own.

Each proxy is a ``safeproxy serve`` subprocess pinned to core 1 (as in proxy_overhead.py and
resilience.py); the mock, the judges (this script in ``--serve-judge`` mode) and the client
share core 0. Every request carries unique text, so no cache can answer it.

A run is many short rounds (30; --quick 6); in each round every target gets a block of
sequential requests (100 for the fast targets, 5 for the 100 ms ones), in an order that
rotates from round to round, so the machine's drift hits every target alike, and a burst of
noise spoils a round or two, which the medians leave out. After each block the script waits
three judge delays, so the async proxy's last judge calls never run under another target's
block. A round's p50 and p90 are those of its block; the table shows the medians over
rounds.

How to read it: "added p50" is a target's p50 minus direct's p50 (both medians over rounds),
the proxy's cost on top of the model. The async verdict is the async row's added p50 divided
by the no-deep-check row's (target at most 1.10), taken within each round and the median
over rounds (the ratio of the overall medians is shown beside it); a context line gives the
same ratio for the twin, the noise floor. The sync verdict is p50(sync) - p50(paced) -
p50(judge direct), what a sync check costs beyond the judge's own latency (target at most
1.0 ms), against the same proxy idle for 100 ms before each request: on this VM any process
pays about 1 ms to wake from a 100 ms idle spell (the mock model alone: 0.4-0.5 ms warm, 1.4
ms after 100 ms idle), and the sync proxy idles that long while the judge thinks. Two
context lines: the sum with the instant judge (the check's own cost, no idle spell), and the
sum against the warm row (the wake-up included). Each figure shows in brackets the middle
half of its values computed within single rounds. The counters come from each proxy's
/metrics at the end: the checks done by verdict (about 5 % of the async proxy's requests,
every sync request), judge errors, async jobs dropped by a full queue, and the mean judge
call as the proxy timed it.

    python benchmarks/deepchecks.py            # 30 rounds, about three minutes
    python benchmarks/deepchecks.py --quick    # 6 rounds, under a minute: a smoke check

Exits 0 after printing whatever the verdicts (the numbers are for reading, not a test), and
non-zero if the processes cannot be set up or die.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import orjson
import yaml
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deepcheck_report import (
    BLOCK_DEADLINE_S,
    COUNTED,
    JUDGE_DELAY_S,
    TARGETS,
    Target,
    problems,
    render,
)
from fleet import (
    HOST,
    LOAD_CORE,
    PROXY_CORE,
    Fleet,
    Server,
    default_policy,
    free_port,
    safeproxy_config,
    wait_ready,
)
from proxy_overhead import chat_messages

from safeproxy.deepcheck.api import Turn
from safeproxy.deepcheck.judges.llama_guard import build_prompt
from safeproxy.deepcheck.settings import LLAMA_GUARD_CATEGORIES
from safeproxy.settings.loading import ConfigError, load_settings
from safeproxy.testing.fake_judges import FakeJudge

SAMPLE_RATE = 0.05
GUARD_MODEL = "meta-llama/Llama-Guard-3-8B"
# At ~1000 sequential requests/s, 5 % sampled and 100 ms per call keep ~5 calls in flight:
# 16 workers (the judge's default max_concurrency) absorb that with room, so none is dropped.
QUEUE_WORKERS = 16
T = TypeVar("T")
CHAT_PATH = "/v1/chat/completions"
JUDGE_PATH = "/v1/completions"

SLOW = frozenset({"sync", "judge", "paced"})
# Short blocks in many rounds: bursts of noise on this machine last seconds, and a short
# round lets the median over rounds leave out the few a burst spoils.
FAST_PER_ROUND = 100
SLOW_PER_ROUND = 5
REQUEST_TIMEOUT_S = 10.0
# Three judge delays: the async proxy's last sampled checks of a block (a handful, 16
# workers) have all been answered by then.
SETTLE_S = 3 * JUDGE_DELAY_S


# -- the fake judge, as a process of its own ----------------------------------------------------


def serve_judge(port: int, delay_s: float) -> None:
    """Blocking: a FakeJudge (Llama Guard protocol) on HOST:port, with GET /healthz for
    wait_ready. A process of its own, so its work never runs on the client's event loop."""
    judge = FakeJudge(delay_s=delay_s)
    app = judge.app()

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app.router.add_get("/healthz", healthz)
    web.run_app(app, host=HOST, port=port, access_log=None, handler_cancellation=True, print=None)


# -- request bodies -----------------------------------------------------------------------------


def messages(tag: str) -> list[dict[str, str]]:
    """proxy_overhead's ~2 KB system + user messages, the user text made unique by `tag`."""
    msgs = chat_messages()
    msgs[-1]["content"] = f"Request {tag}. {msgs[-1]['content']}"
    return msgs


def chat_body(tag: str) -> bytes:
    return orjson.dumps({"model": "bench", "messages": messages(tag)})


def judge_body(tag: str) -> bytes:
    """What the proxy's Llama Guard judge POSTs for the same request (llama_guard.LlamaGuard)."""
    turns = [Turn(m["role"], m["content"]) for m in messages(tag)]
    prompt = build_prompt(turns, "input", LLAMA_GUARD_CATEGORIES, 3)
    return orjson.dumps(
        {"model": GUARD_MODEL, "max_tokens": 20, "temperature": 0, "prompt": prompt}
    )


# -- configs and processes ----------------------------------------------------------------------


def proxy_config(
    port: int, mock_port: int, check: dict[str, Any] | None, judge: dict[str, Any] | None
) -> str:
    """fleet's one-route config with the default policy, plus one deep check and its judge."""
    cfg: dict[str, Any] = yaml.safe_load(safeproxy_config(port, mock_port, default_policy()))
    if check is not None and judge is not None:
        cfg["policies"]["default"]["deep_checks"] = [check]
        guard = {"type": "llama_guard", "model": GUARD_MODEL, **judge}
        cfg["deep_checks"] = {"judges": {"guard": guard}, "queue": {"workers": QUEUE_WORKERS}}
    return yaml.safe_dump(cfg, sort_keys=False)


def start_all(fleet: Fleet, delay_s: float) -> dict[str, Server]:
    """The mock, three judges and five proxies; raises ConfigError or RuntimeError."""
    py = sys.executable
    mock_port = free_port()
    mock_argv = [py, "-m", "safeproxy", "mock-upstream", "--host", HOST, "--port", str(mock_port)]
    mock = fleet.start("direct", LOAD_CORE, mock_argv, mock_port)
    judges: dict[str, Server] = {}
    # One judge per proxy: none sees another's calls.
    for name, delay in (("async", delay_s), ("sync", delay_s), ("sync0", 0.0)):
        port = free_port()
        argv = [py, str(Path(__file__).resolve()), "--serve-judge", str(port)]
        argv += ["--judge-delay", str(delay)]
        judges[name] = fleet.start(f"judge-{name}", LOAD_CORE, argv, port)

    async_check = {
        "judge": "guard",
        "mode": "async",
        "stage": "input",
        "sample": {"rate": SAMPLE_RATE, "always_if": []},
    }
    sync_check = {
        "judge": "guard",
        "mode": "sync",
        "stage": "input",
        "sample": {"rate": 1.0},
        "latency_budget_ms": 1000,
    }
    plans: dict[str, tuple[dict[str, Any] | None, dict[str, Any] | None]] = {
        "none": (None, None),
        "twin": (None, None),
        "async": (async_check, {"base_url": judges["async"].url}),
        "sync": (sync_check, {"base_url": judges["sync"].url, "cache": {"enabled": False}}),
        "sync0": (sync_check, {"base_url": judges["sync0"].url, "cache": {"enabled": False}}),
    }
    proxies: dict[str, Server] = {}
    for name, (check, judge) in plans.items():
        port = free_port()
        path = fleet.workdir / f"proxy-{name}.yaml"
        path.write_text(proxy_config(port, mock_port, check, judge))
        load_settings(path, environ={})  # a bad config fails here, with its YAML path
        argv = [py, "-m", "safeproxy", "serve", "--config", str(path)]
        proxies[name] = fleet.start(f"proxy-{name}", PROXY_CORE, argv, port)

    wait_ready(mock, "/v1/models")
    for server in judges.values():
        wait_ready(server, "/healthz")
    for server in proxies.values():
        wait_ready(server, "/healthz")
    return {**proxies, "direct": mock, "judge": judges["sync"], "judge0": judges["sync0"],
            "paced": proxies["none"]}  # fmt: skip


# -- measuring ----------------------------------------------------------------------------------


async def one(session: aiohttp.ClientSession, target: Target, tag: str) -> float | None:
    """Wall time of one request, body read to the end; None if it did not answer 200."""
    data = target.body(tag)  # built before the clock starts
    headers = {"Content-Type": "application/json"}
    target.sent += 1
    start = time.perf_counter()
    try:
        async with session.post(target.url, data=data, headers=headers) as resp:
            await resp.read()
            elapsed = time.perf_counter() - start
            status = resp.status
    except (aiohttp.ClientError, TimeoutError):
        status = 0  # counted below; a dead process is caught by check_alive afterwards
    if status != 200:
        target.failures += 1
        return None
    return elapsed


async def block(session: aiohttp.ClientSession, target: Target, round_no: int) -> list[float]:
    deadline = time.monotonic() + BLOCK_DEADLINE_S
    out: list[float] = []
    for i in range(target.per_round):
        if time.monotonic() > deadline:
            target.cut_short += 1
            break
        if target.pace_s:
            await asyncio.sleep(target.pace_s)
        elapsed = await one(session, target, f"r{round_no} {target.key} {i}")
        if elapsed is not None:
            out.append(elapsed)
    return out


async def measure(targets: Sequence[Target], rounds: int, warmup: int) -> None:
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for t in targets:  # open the keep-alive connections, warm the proxies' code paths
            for i in range(warmup if t.key not in SLOW else 3):
                await one(session, t, f"warm {t.key} {i}")
        await asyncio.sleep(SETTLE_S)
        for r in range(rounds):
            order = list(targets[r % len(targets) :]) + list(targets[: r % len(targets)])
            for t in order:
                t.rounds.append(await block(session, t, r))
                # Let the async proxy's judge calls of this block end before the next block;
                # after every block, so that each starts from the same short idle spell.
                await asyncio.sleep(SETTLE_S)
            note = " ".join(f"{t.key}={statistics.median(t.rounds[-1]) * 1e3:.3f}" for t in targets
                            if t.rounds[-1])  # fmt: skip
            print(f"  round {r + 1}/{rounds} p50 ms: {note}", file=sys.stderr, flush=True)


async def scrape(urls: dict[str, str]) -> dict[str, str]:
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    out: dict[str, str] = {}
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for name, url in urls.items():
            async with session.get(url + "/metrics") as resp:
                out[name] = await resp.text()
    return out


def run_loop(coro: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.run(coro)
    result: T = uvloop.run(coro)
    return result


# -- /metrics -----------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Measure the latency deep checks add.")
    p.add_argument("--quick", action="store_true", help="6 rounds (smoke check)")
    p.add_argument("--rounds", type=int, help="interleaved rounds (default 30; --quick 6)")
    # Internal: this script started as a fake judge process by the benchmark itself.
    p.add_argument("--serve-judge", type=int, metavar="PORT", help=argparse.SUPPRESS)
    p.add_argument("--judge-delay", type=float, default=JUDGE_DELAY_S, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve_judge is not None:
        serve_judge(args.serve_judge, args.judge_delay)
        return 0

    rounds = args.rounds or (6 if args.quick else 30)
    fast, slow = FAST_PER_ROUND, SLOW_PER_ROUND
    if rounds < 1:
        print("--rounds must be at least 1", file=sys.stderr)
        return 2
    if shutil.which("taskset") is None:
        print("taskset is not installed (util-linux)", file=sys.stderr)
        return 2
    if len(os.sched_getaffinity(0)) < 2:
        print("needs at least 2 CPU cores", file=sys.stderr)
        return 2
    os.sched_setaffinity(0, {int(LOAD_CORE)})  # the client is load too: keep it off core 1

    with tempfile.TemporaryDirectory(prefix="safeproxy-deepchecks-") as tmp:
        fleet = Fleet(Path(tmp))
        try:
            try:
                servers = start_all(fleet, JUDGE_DELAY_S)
            except (ConfigError, RuntimeError, OSError) as exc:
                print(f"setup failed: {exc}", file=sys.stderr)
                return 2
            targets = {
                key: Target(
                    key,
                    servers[key].url + (JUDGE_PATH if key.startswith("judge") else CHAT_PATH),
                    judge_body if key.startswith("judge") else chat_body,
                    slow if key in SLOW else fast,
                    JUDGE_DELAY_S if key == "paced" else 0.0,
                )
                for key in TARGETS
            }
            run_loop(measure(list(targets.values()), rounds, warmup=20))
            for server in servers.values():
                server.check_alive()
            metrics = run_loop(scrape({k: servers[k].url for k in COUNTED}))
        finally:
            fleet.stop_all()

    print(render(targets, metrics, rounds))
    issues = problems(targets)
    print()
    print("Problems: " + ("; ".join(issues) if issues else "none (every request answered 200)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
