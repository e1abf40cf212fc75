"""Time to first text on a paced stream: python benchmarks/first_text.py [--quick]

A model that writes one word every 50 ms (the mock upstream, `delay_ms`; each piece a word with
its leading space, as BPE tokenizers emit them), streamed through
`safeproxy serve` with one output filter type at a time, then with the bundled demo and
default policies. For each, the time from sending the request to the first byte of answer
text the client reads, median of several runs, and the delay over the model alone (direct)
in words. Each filter holds back only text that could still become a match, so on ordinary
prose the target (issue 16) is at most one word of delay.

The proxies run on one core and the mock upstream and this client on the other (fleet.py).
Every loop is bounded in count and in time.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import orjson
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fleet import HOST, LOAD_CORE, PROXY_CORE, Fleet, free_port, safeproxy_config, wait_ready

from safeproxy.settings.loading import bundled_config

WORD_MS = 50
PROSE = (
    "Sure. The quarterly report shows steady growth in every region, and the team expects "
    "the same next year if the launch goes to plan. Let me know what else you need."
)
TIMEOUT_S = 30.0
START_TIMEOUT_S = 180.0


def bundled_policy(name: str) -> dict[str, Any]:
    """The policy the bundled config's first route runs."""
    data = yaml.safe_load(bundled_config(name).read_text(encoding="utf-8"))
    policy: dict[str, Any] = data["policies"][data["routes"][0].get("policy", "default")]
    for stage in ("input", "output"):
        for f in policy.get(stage, []):
            if "words_file" in f:  # relative to the bundled config directory
                f["words_file"] = str(bundled_config(f["words_file"]))
    return policy


def policies() -> dict[str, dict[str, Any] | None]:
    words = str(bundled_config("blocklist.txt"))
    return {
        "no policy": None,
        "pii": {"output": [{"type": "pii", "action": "redact"}]},
        "secrets": {"output": [{"type": "secrets", "action": "redact"}]},
        "blocklist": {"output": [{"type": "blocklist", "words_file": words, "action": "block"}]},
        "hidden_payload": {"output": [{"type": "hidden_payload", "action": "redact"}]},
        "demo policy": bundled_policy("demo.yaml"),
        "default policy": bundled_policy("default.yaml"),
    }


async def first_text_ms(session: aiohttp.ClientSession, url: str) -> float:
    words = PROSE.split(" ")
    pieces = [words[0], *(" " + w for w in words[1:])]  # as BPE tokenizers split: " word"
    body = {"model": "m", "stream": True, "messages": [{"role": "user", "content": "report?"}],
            "mock": {"pieces": pieces, "delay_ms": WORD_MS}}  # fmt: skip
    start = time.perf_counter()
    async with session.post(url + "/v1/chat/completions", data=orjson.dumps(body)) as resp:
        resp.raise_for_status()
        async for line in resp.content:
            if not line.startswith(b"data: {"):
                continue
            for choice in orjson.loads(line[6:]).get("choices", []):
                if (choice.get("delta") or {}).get("content"):
                    return (time.perf_counter() - start) * 1000
    raise RuntimeError(f"{url}: the stream carried no text")


async def measure(urls: dict[str, str], runs: int) -> dict[str, float]:
    timeout = aiohttp.ClientTimeout(total=TIMEOUT_S)
    out: dict[str, list[float]] = {name: [] for name in urls}
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for _ in range(runs):  # interleaved, so drift hits every row alike
            for name, url in urls.items():
                out[name].append(await first_text_ms(session, url))
    return {name: statistics.median(v) for name, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    args = parser.parse_args()
    runs = 3 if args.quick else 7
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="safeproxy-first-text-") as tmp:
        fleet = Fleet(Path(tmp))
        try:
            mock_port = free_port()
            argv = [py, "-m", "safeproxy", "mock-upstream", "--host", HOST, "--port"]
            mock = fleet.start("direct", LOAD_CORE, [*argv, str(mock_port)], mock_port)
            wait_ready(mock, "/v1/models")
            urls = {"direct": mock.url}
            servers = []
            for i, (name, policy) in enumerate(policies().items()):
                port = free_port()
                config = Path(tmp) / f"p{i}.yaml"
                config.write_text(safeproxy_config(port, mock_port, policy))
                serve = [py, "-m", "safeproxy", "serve", "--config", str(config)]
                servers.append(fleet.start(name, PROXY_CORE, serve, port))
            for server in servers:  # they start side by side on one core: allow for it
                wait_ready(server, "/healthz", timeout_s=START_TIMEOUT_S)
                urls[server.name] = server.url
            medians = asyncio.run(measure(urls, runs))
        finally:
            fleet.stop_all()
    direct = medians["direct"]
    print(f"time to first text, one word every {WORD_MS} ms, median of {runs} runs\n")
    print(f"| {'path':<16} | first text (ms) | over direct (ms) | delay (words) |")
    print(f"|{'-' * 18}|----------------:|-----------------:|--------------:|")
    for name, ms in medians.items():
        over = ms - direct
        print(f"| {name:<16} | {ms:15.1f} | {over:16.1f} | {over / WORD_MS:13.2f} |")


if __name__ == "__main__":
    main()
