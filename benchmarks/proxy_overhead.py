"""What safeproxy (empty filter chain, and default policy) adds on top of the model server.

Five targets answer the same OpenAI chat requests, all on 127.0.0.1:

* ``direct``    - the bundled mock upstream (``safeproxy mock-upstream``), no proxy at all;
* ``floor``     - ``benchmarks/passthrough.py``, the least an aiohttp + uvloop proxy can do;
* ``safeproxy`` - ``safeproxy serve`` with a one-route config and no filters;
* ``policy``    - the same, with the bundled config/default.yaml's ``default`` policy on the
  route (input: limits, secrets, PII, injection; output: secrets, PII, streams held back);
* ``telemetry`` - the same policy with every telemetry sink on: the audit log and spans
  exported over OTLP/HTTP to ``benchmarks/otlp_sink.py`` on loopback (metrics are always on).

The mock, the load generator and this script share core 0; each proxy runs alone on core 1
(``taskset``), so the proxy under test has a core of its own.

Workload A (non-streaming): ``wrk`` POSTs a ~2 KB chat request at concurrency 1, 16 and 64;
requests/s and latency p50/p99 come from wrk's output, and each proxy's CPU time per request
from ``/proc/PID/stat`` (utime + stime) around each run. Targets are interleaved within each
repetition and the median over repetitions is reported.

Workload B (streaming): a sequential aiohttp client asks for a 50-chunk SSE reply and
measures the time to the first body byte and to the end of the stream; the proxies' CPU time
is divided by the number of SSE events the upstream sent (52 per request): with output filters
on, the proxy may merge or shift events, and every client must still get the reply unchanged.

Workload C (the agent APIs, benchmarks/agent_streams.py): the same reply streamed over chat
completions, the Responses API and Anthropic's Messages API, for the empty chain and the
default policy; per-event CPU and added TTFB of each API as ratios to chat completions.

Run it from the repository root (needs ``wrk`` and ``taskset``, Linux, >= 2 cores)::

    python benchmarks/proxy_overhead.py          # ~3 x 12 x 5 s of wrk + 4 x 200 streams
    python benchmarks/proxy_overhead.py --quick  # one short repetition, for a smoke check
    python benchmarks/proxy_overhead.py --agent-apis-only  # workload C alone
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
import agent_streams
from fleet import LOAD_CORE, Server, fleet_running

TARGETS = ("direct", "floor", "safeproxy", "policy", "telemetry")
PROXIES = ("floor", "safeproxy", "policy", "telemetry")
LABELS = {
    "policy": "safeproxy + default policy",
    "telemetry": "+ telemetry (audit log, OTLP spans)",
}
# Telemetry on (audit log + spans to a loopback OTLP receiver) against the same policy with
# telemetry off (metrics only): the share of throughput it may cost.
MAX_TELEMETRY_COST_PCT = 15.0
CONCURRENCY = (1, 16, 64)
CPU_CONCURRENCY = 16
STREAM_CHUNKS = 50
EVENTS_PER_STREAM = STREAM_CHUNKS + 2  # the role chunk, 50 content chunks, the stop chunk
CHAT_PATH = "/v1/chat/completions"

# The budgets the numbers are judged against.
MAX_ADDED_P50_MS = 0.8
MIN_THROUGHPUT_PCT = 80.0
MAX_CPU_RATIO = 1.25
MAX_STREAM_TTFB_MS = 1.5
MAX_CPU_PER_EVENT_US = 50.0
# The same for safeproxy with the default policy (the budgets above are the empty chain's).
MAX_POLICY_ADDED_P50_MS = 1.0
MIN_POLICY_THROUGHPUT_PCT = 65.0
MAX_POLICY_CPU_RATIO = 1.5
MAX_POLICY_CPU_PER_EVENT_US = 60.0


# -- request bodies ---------------------------------------------------------------------------


def chat_messages(size: int = 2048) -> list[dict[str, str]]:
    """A system and a user message, padded so that the whole request is about `size` bytes."""
    system = "You are a careful assistant. Answer briefly and cite nothing you cannot verify."
    head = "Summarise the following notes in three sentences. "
    filler = "The quick brown fox jumps over the lazy dog while the proxy keeps an eye on it. "
    skeleton = [{"role": "system", "content": system}, {"role": "user", "content": head}]
    pad = max(0, size - len(json.dumps({"model": "bench", "messages": skeleton})))
    user = head + (filler * (pad // len(filler) + 1))[:pad]
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def plain_body() -> bytes:
    return json.dumps({"model": "bench", "messages": chat_messages()}).encode()


def stream_reply() -> str:
    """200 characters of plain prose (so output filters scan real words, as in a reply), which
    the mock cuts into exactly 50 chunks of 4, about a token each."""
    prose = "Here is a short summary of the notes: the fox keeps jumping over the dog, the "
    reply = (prose * 3)[: 4 * STREAM_CHUNKS]
    assert len(reply) % STREAM_CHUNKS == 0
    return reply


def stream_body() -> bytes:
    body = {
        "model": "bench",
        "stream": True,
        "messages": chat_messages(),
        "mock": {"reply": stream_reply(), "chunks": STREAM_CHUNKS},
    }
    return json.dumps(body).encode()


def lua_script(body: bytes) -> str:
    text = body.decode()
    assert "]==]" not in text
    return (
        'wrk.method = "POST"\n'
        f"wrk.body = [==[{text}]==]\n"
        'wrk.headers["Content-Type"] = "application/json"\n'
    )


# -- workload A: wrk --------------------------------------------------------------------------

_UNIT_MS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


@dataclass(frozen=True, slots=True)
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int
    cpu_s: float | None  # the proxy's CPU time during the run; None for direct


def _percentile_ms(out: str, pct: int) -> float:
    m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s|m|h)\s*$", out, re.MULTILINE)
    if m is None:
        raise ValueError(f"no {pct}% line in wrk output:\n{out}")
    return float(m.group(1)) * _UNIT_MS[m.group(2)]


def parse_wrk(out: str, cpu_s: float | None) -> WrkResult:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", out, re.MULTILINE)
    done = re.search(r"^\s*(\d+) requests in ", out, re.MULTILINE)
    if rps is None or done is None:
        raise ValueError(f"unexpected wrk output:\n{out}")
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return WrkResult(
        rps=float(rps.group(1)),
        p50_ms=_percentile_ms(out, 50),
        p99_ms=_percentile_ms(out, 99),
        requests=int(done.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=sum(int(g) for g in sock.groups()) if sock else 0,
        cpu_s=cpu_s,
    )


def run_wrk(server: Server, script: Path, conns: int, duration_s: int) -> WrkResult:
    server.check_alive()
    argv = ["taskset", "-c", LOAD_CORE, "wrk", "-t1", f"-c{conns}", f"-d{duration_s}s"]
    argv += ["--latency", "-s", str(script), server.url + CHAT_PATH]
    measure = server.name in PROXIES
    before = server.cpu_s() if measure else 0.0
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration_s + 30, check=True)
    cpu = server.cpu_s() - before if measure else None
    return parse_wrk(done.stdout, cpu)


# -- workload B: streaming --------------------------------------------------------------------


@dataclass(slots=True)
class StreamStats:
    ttfb_s: list[float] = field(default_factory=list)
    total_s: list[float] = field(default_factory=list)
    events: list[int] = field(default_factory=list)
    failures: int = 0
    wrong_text: int = 0  # streams whose content did not add up to the mock's reply
    cpu_s: float | None = None


async def _one_stream(
    session: aiohttp.ClientSession, url: str, body: bytes, st: StreamStats
) -> None:
    headers = {"Content-Type": "application/json"}
    t0 = time.perf_counter()
    async with session.post(url, data=body, headers=headers) as resp:
        first = await resp.content.readany()
        t1 = time.perf_counter()
        parts = [first]
        while chunk := await resp.content.readany():
            parts.append(chunk)
        t2 = time.perf_counter()
        status = resp.status
    data = b"".join(parts)
    if status != 200 or not data.rstrip().endswith(b"data: [DONE]"):
        st.failures += 1
        return
    st.ttfb_s.append(t1 - t0)
    st.total_s.append(t2 - t0)
    st.events.append(data.count(b"data: ") - 1)  # not counting [DONE]
    chunks = [orjson.loads(e[6:]) for e in data.split(b"\n\n") if e[6:7] == b"{"]
    text = "".join(c.get("delta", {}).get("content") or "" for k in chunks for c in k["choices"])
    st.wrong_text += text != stream_reply()


async def run_streams(servers: dict[str, Server], n: int) -> dict[str, StreamStats]:
    """n sequential streams per target, targets interleaved request by request."""
    body = stream_body()
    stats = {name: StreamStats() for name in TARGETS}
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        for name in TARGETS:  # warm up: open the keep-alive connections
            await _one_stream(session, servers[name].url + CHAT_PATH, body, StreamStats())
        before = {name: servers[name].cpu_s() for name in PROXIES}
        for i in range(n):
            for name in TARGETS[i % len(TARGETS) :] + TARGETS[: i % len(TARGETS)]:
                await _one_stream(session, servers[name].url + CHAT_PATH, body, stats[name])
        for name in PROXIES:
            stats[name].cpu_s = servers[name].cpu_s() - before[name]
    return stats


def stream_phase(servers: dict[str, Server], n: int) -> dict[str, StreamStats]:
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        return asyncio.run(run_streams(servers, n))
    result: dict[str, StreamStats] = uvloop.run(run_streams(servers, n))
    return result


def agent_phase(
    servers: dict[str, Server], n: int
) -> dict[tuple[str, str], agent_streams.ApiStats]:
    import uvloop

    run = agent_streams.run(servers, n, chat_messages(), stream_reply(), STREAM_CHUNKS)
    result: dict[tuple[str, str], agent_streams.ApiStats] = uvloop.run(run)
    return result


# -- report -----------------------------------------------------------------------------------


def med(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def render(
    wrk: dict[tuple[str, int], list[WrkResult]],
    streams: dict[str, StreamStats],
    reps: int,
    duration_s: int,
    n_streams: int,
) -> str:
    def rps(t: str, c: int) -> float:
        return med([r.rps for r in wrk[t, c]])

    def p50(t: str, c: int) -> float:
        return med([r.p50_ms for r in wrk[t, c]])

    def p99(t: str, c: int) -> float:
        return med([r.p99_ms for r in wrk[t, c]])

    def cpu_req_us(t: str) -> float:
        runs = wrk[t, CPU_CONCURRENCY]
        return med([(r.cpu_s or 0.0) / r.requests * 1e6 for r in runs if r.requests])

    def cpu_event_us(t: str) -> float:
        st = streams[t]
        events = len(st.ttfb_s) * EVENTS_PER_STREAM
        return (st.cpu_s or 0.0) / events * 1e6 if events else float("nan")

    lines = [
        f"### safeproxy overhead (medians of {reps} x {duration_s} s wrk runs, "
        f"{n_streams} streams of {STREAM_CHUNKS} chunks per target)",
        "",
        "| target | c=1 rps | c=1 p50 ms | c=1 p99 ms | c=16 rps | c=64 rps | CPU µs/req "
        "| stream TTFB ms | stream total ms | CPU µs/event |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in TARGETS:
        proxy = t in PROXIES
        cpu = f"{cpu_req_us(t):.0f}" if proxy else "-"
        ev = f"{cpu_event_us(t):.1f}" if proxy else "-"
        st = streams[t]
        lines.append(
            f"| {LABELS.get(t, t)} | {rps(t, 1):.0f} | {p50(t, 1):.3f} | {p99(t, 1):.3f} "
            f"| {rps(t, 16):.0f} | {rps(t, 64):.0f} | {cpu} | {med(st.ttfb_s) * 1e3:.3f} "
            f"| {med(st.total_s) * 1e3:.3f} | {ev} |"
        )

    lines += ["", "| measure | value | target | verdict |", "|---|---:|---:|---|"]

    def judge(label: str, value: str, target: str, ok: bool) -> None:
        lines.append(f"| {label} | {value} | {target} | {'PASS' if ok else 'FAIL'} |")

    direct_ttfb = med(streams["direct"].ttfb_s) * 1e3
    cost = (1 - rps("telemetry", 16) / rps("policy", 16)) * 100
    judge("telemetry: c=16 throughput lost vs telemetry off", f"{cost:.1f} %",
          f"≤ {MAX_TELEMETRY_COST_PCT:.0f} %", cost <= MAX_TELEMETRY_COST_PCT)  # fmt: skip
    cpu_cost = cpu_req_us("telemetry") / cpu_req_us("policy")
    lines.append(f"| telemetry: CPU/req ÷ telemetry off | {cpu_cost:.2f}x | - | (no target) |")
    for t in PROXIES:
        if t == "telemetry":
            continue  # judged against the policy row above
        name, policy = LABELS.get(t, t), t == "policy"
        most = MAX_POLICY_ADDED_P50_MS if policy else MAX_ADDED_P50_MS
        added = p50(t, 1) - p50("direct", 1)
        judge(
            f"{name}: added p50 at c=1 vs direct", f"{added:.3f} ms", f"≤ {most} ms", added <= most
        )
        if t != "floor":
            least = MIN_POLICY_THROUGHPUT_PCT if policy else MIN_THROUGHPUT_PCT
            pct = rps(t, 16) / rps("floor", 16) * 100
            judge(f"{name}: c=16 throughput, % of floor", f"{pct:.1f} %", f"≥ {least:.0f} %",
                  pct >= least)  # fmt: skip
            most = MAX_POLICY_CPU_RATIO if policy else MAX_CPU_RATIO
            ratio = cpu_req_us(t) / cpu_req_us("floor")
            judge(f"{name}: CPU/req ÷ floor CPU/req (c=16)", f"{ratio:.2f}x", f"≤ {most}x",
                  ratio <= most)  # fmt: skip
        added = med(streams[t].ttfb_s) * 1e3 - direct_ttfb
        label = f"{name}: stream TTFB added vs direct"
        if policy:  # no budget of its own: reported next to the empty chain's
            lines.append(f"| {label} | {added:.3f} ms | - | (no target) |")
        else:
            judge(
                label, f"{added:.3f} ms", f"≤ {MAX_STREAM_TTFB_MS} ms", added <= MAX_STREAM_TTFB_MS
            )
        most = MAX_POLICY_CPU_PER_EVENT_US if policy else MAX_CPU_PER_EVENT_US
        us = cpu_event_us(t)
        judge(f"{name}: CPU per stream event", f"{us:.1f} µs", f"≤ {most:.0f} µs", us <= most)
    return "\n".join(lines)


def problems(
    wrk: dict[tuple[str, int], list[WrkResult]], streams: dict[str, StreamStats]
) -> list[str]:
    found: list[str] = []
    for (t, c), runs in sorted(wrk.items()):
        bad = sum(r.non_2xx for r in runs)
        sock = sum(r.socket_errors for r in runs)
        if bad or sock:
            found.append(f"{t} c={c}: {bad} non-2xx responses, {sock} socket errors")
    for t, st in streams.items():
        if st.failures:
            found.append(f"{t} streaming: {st.failures} failed streams")
        if st.wrong_text:
            found.append(f"{t} streaming: {st.wrong_text} streams did not carry the reply intact")
        # With output filters on, the proxy may merge or shift events (the text is checked).
        filtered = t in ("policy", "telemetry")
        odd = {e for e in st.events if e != EVENTS_PER_STREAM} if not filtered else set()
        if odd:
            found.append(
                f"{t} streaming: event counts {sorted(odd)} (expected {EVENTS_PER_STREAM})"
            )
    return found


# -- main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Measure safeproxy's overhead against a floor.")
    p.add_argument("--quick", action="store_true", help="one short repetition (smoke check)")
    p.add_argument("--reps", type=int, help="repetitions of the wrk matrix (default 3)")
    p.add_argument("--duration", type=int, help="seconds per wrk run (default 5)")
    p.add_argument("--streams", type=int, help="streams per target (default 200)")
    p.add_argument("--agent-apis-only", action="store_true", help="workload C alone")
    args = p.parse_args(argv)
    reps = args.reps or (1 if args.quick else 3)
    duration = args.duration or (2 if args.quick else 5)
    n_streams = args.streams or (50 if args.quick else 200)
    for tool in ("wrk", "taskset"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed", file=sys.stderr)
            return 2
    if len(os.sched_getaffinity(0)) < 2:
        print("needs at least 2 CPU cores", file=sys.stderr)
        return 2
    os.sched_setaffinity(0, {int(LOAD_CORE)})  # this script is load too: keep it off core 1

    if args.agent_apis_only:
        with fleet_running() as servers:
            agents = agent_phase(servers, n_streams)
        print(agent_streams.render(agents, n_streams))
        issues = agent_streams.problems(agents)
        print("\nProblems: " + ("; ".join(issues) if issues else "none"))
        return 1 if issues else 0
    with fleet_running() as servers, tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "post.lua"
        script.write_text(lua_script(plain_body()))
        warm = [run_wrk(servers[t], script, 16, 1) for t in TARGETS]
        wrk: dict[tuple[str, int], list[WrkResult]] = {
            (t, c): [] for t in TARGETS for c in CONCURRENCY
        }
        for rep in range(reps):
            for c in CONCURRENCY:
                order = TARGETS[rep % len(TARGETS) :] + TARGETS[: rep % len(TARGETS)]
                for t in order:
                    wrk[t, c].append(run_wrk(servers[t], script, c, duration))
                    last = wrk[t, c][-1]
                    note = f"  rep {rep + 1}/{reps} c={c:<2} {t:<9} {last.rps:8.0f} rps"
                    print(note, file=sys.stderr, flush=True)
        streams = stream_phase(servers, n_streams)
        agents = agent_phase(servers, n_streams)
        for server in servers.values():
            server.check_alive()

    print(render(wrk, streams, reps, duration, n_streams))
    print()
    print(agent_streams.render(agents, n_streams))
    issues = problems(wrk, streams) + agent_streams.problems(agents)
    for t, r in zip(TARGETS, warm, strict=True):
        if r.non_2xx or r.socket_errors:
            issues.append(f"warm-up {t}: {r.non_2xx} non-2xx, {r.socket_errors} socket errors")
    print()
    print("Problems: " + ("; ".join(issues) if issues else "none (all responses 2xx, no errors)"))
    return 1 if issues else 0


if __name__ == "__main__":
    sys.exit(main())
