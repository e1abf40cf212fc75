"""The `safeproxy` command line: serve, validate, test, replay, worker, mock-upstream, demo."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from safeproxy.settings.loading import ConfigError, environment_problems, load_settings
from safeproxy.settings.schema import Settings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="safeproxy", description="Inference safety proxy.")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the proxy")
    serve.add_argument("--config", type=Path, help="config file (default: the bundled policy)")
    serve.add_argument("--host", help="listen address (overrides server.host)")
    serve.add_argument("--port", type=int, help="listen port (overrides server.port)")
    serve.add_argument("--upstream", help="point the default route at this base URL (sidecar)")
    serve.add_argument("--workers", type=int, default=1, help="processes sharing the port")
    serve.add_argument(
        "--watch-config", type=float, default=0.0, metavar="SECONDS",
        help="also reload when the config file changes, looking this often (0: SIGHUP only)",
    )  # fmt: skip

    validate = sub.add_parser("validate", help="check a config file; exit 1 listing every error")
    validate.add_argument("file", type=Path)

    test = sub.add_parser("test", help="run policy test cases; exit 1 if any fails")
    test.add_argument("--config", type=Path, help="config file (default: the bundled policy)")
    test.add_argument("cases", type=Path, nargs="+", help="case files (.yaml or .jsonl)")
    test.add_argument("--junit", type=Path, help="also write JUnit XML here")
    test.add_argument("--json", action="store_true", help="print the report as JSON")
    test.add_argument("--splits", type=int, default=3, help="random chunk splits per stream case")

    replay = sub.add_parser(
        "replay", help="what a candidate policy would decide on recorded traffic"
    )
    replay.add_argument("--config", type=Path, help="the candidate config (default: bundled)")
    replay.add_argument("audit", type=Path, nargs="+", help="audit log files (JSON lines)")
    replay.add_argument("--since", help="from this time (unix seconds or ISO 8601)")
    replay.add_argument("--until", help="before this time")
    replay.add_argument("--route", help="only records of this route (as recorded)")
    replay.add_argument("--tenant", help="only records of this tenant (as recorded)")
    replay.add_argument("--json", action="store_true", help="print the report as JSON")

    mock = sub.add_parser("mock-upstream", help="run the bundled OpenAI-compatible mock model")
    mock.add_argument("--host", default="127.0.0.1")
    mock.add_argument("--port", type=int, default=8000)
    mock.add_argument("--token-delay-ms", type=float, default=0.0)

    worker = sub.add_parser("worker", help="take async deep-check jobs from the Redis queue")
    worker.add_argument("--config", type=Path, required=True, help="the proxy's config file")
    worker.add_argument("--metrics-port", type=int, help="serve /metrics on this port")

    demo = sub.add_parser("demo", help="mock model + proxy with the demo policy")
    demo.add_argument("--port", type=int, default=8080, help="proxy port")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.command == "validate":
        try:
            load_settings(args.file, environ=os.environ)
        except ConfigError as exc:
            print(exc.render(), file=sys.stderr)
            return 1
        print(f"{args.file}: ok")
        return 0
    if args.command == "test":
        from safeproxy.policytest.command import run_tests

        return run_tests(args.config, args.cases, junit=args.junit, json=args.json,
                         splits=args.splits)  # fmt: skip
    if args.command == "replay":
        return _replay(args)
    if args.command == "mock-upstream":
        from safeproxy.testing.mock_upstream import run_mock

        run_mock(args.host, args.port, args.token_delay_ms / 1000)
        return 0
    if args.command == "worker":
        return _worker(args.config, args.metrics_port)
    if args.command == "demo":
        from safeproxy.testing.demo import run_demo

        try:
            return run_demo(args.port)
        except ConfigError as exc:  # an override in the environment: name it, no traceback
            print(exc.render(), file=sys.stderr)
            return 1
    from safeproxy.generation.source import ConfigSource

    # The same source serves SIGHUP reloads: they read the file with the same overrides.
    source = ConfigSource(args.config, args.upstream, args.host, args.port)
    try:
        settings = source.load()
        _check_environment(args.config, settings)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    from safeproxy.edge.server import run

    return run(settings, workers=args.workers, source=source, watch_s=args.watch_config)


def _replay(args: argparse.Namespace) -> int:
    from safeproxy.replay.command import parse_time, run_replay
    from safeproxy.replay.source import Window

    try:
        since = parse_time(args.since) if args.since else None
        until = parse_time(args.until) if args.until else None
    except ValueError as exc:
        print(f"safeproxy replay: {exc}", file=sys.stderr)
        return 2
    window = Window(since, until, args.route, args.tenant)
    return run_replay(args.config, args.audit, window, json=args.json)


def _check_environment(config: Path | None, settings: Settings) -> None:
    problems = environment_problems(settings, os.environ)
    if problems:
        raise ConfigError(str(config or "<bundled default.yaml>"), problems)


def _worker(config: Path, metrics_port: int | None) -> int:
    try:
        settings = load_settings(config, environ=os.environ)
        _check_environment(config, settings)
    except ConfigError as exc:
        print(exc.render(), file=sys.stderr)
        return 1
    from safeproxy.deepcheck.worker import WorkerConfigError, run_worker
    from safeproxy.edge.server import run_event_loop

    try:
        run_event_loop(run_worker(settings, metrics_port=metrics_port))
    except WorkerConfigError as exc:
        print(f"{config}: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
