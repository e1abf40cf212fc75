"""The README's first command on a fresh machine, and the container image's install: clean
virtualenvs, one with `pip install .` and no extras, one with the Dockerfile's pip commands
(hash-locked dependencies, then the wheel alone); `safeproxy serve` answers a request from
each, and `safeproxy demo` from the first."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
import venv
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.reliability.test_cli_process import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
CHAT = {"model": "demo", "messages": [{"role": "user", "content": "Hello!"}]}


def checkout_copy(dest: Path) -> Path:
    """The files a fresh clone would have (tracked and new, not ignored): what `pip install .`
    sees there, without writing build/ or *.egg-info into this checkout."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in (n.decode() for n in listed if n):
        src = ROOT / name
        if src.is_file():  # a deleted, not yet committed file is still listed
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name, follow_symlinks=False)
    return dest


# The Dockerfile's pip commands, in its order (tests/unit/test_dockerfile.py checks that it
# runs exactly these). WHEELS stands for its /wheels directory.
WHEELS = "/wheels"
IMAGE_BUILD_STEPS = [
    "pip install --no-cache-dir --require-hashes -r deploy/docker/build.lock",
    "pip wheel --no-cache-dir --no-deps --no-build-isolation --wheel-dir /wheels .",
]
IMAGE_INSTALL_STEPS = [
    "pip install --no-cache-dir --require-hashes -r deploy/docker/requirements.lock",
    "pip install --no-cache-dir --no-deps --no-index --find-links /wheels safeproxy",
    "pip check",
]


def new_venv(path: Path) -> Path:
    venv.create(path, with_pip=True, clear=True)
    return path / "bin"


def pip(bin_dir: Path, command: str, cwd: Path, wheels: Path) -> None:
    """One of the Dockerfile's pip commands, with this virtualenv's pip."""
    argv = [str(bin_dir / "python"), "-m", "pip", "--disable-pip-version-check"]
    argv += [str(wheels) if a == WHEELS else a for a in command.split()[1:]]
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=900, env=environ)
    assert result.returncode == 0, f"{command}\n{result.stdout}{result.stderr}"


@pytest.fixture(scope="module", params=["pip install .", "image"])
def clean_install(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtualenv (no system site-packages) with safeproxy installed from a copy of
    the checkout: by the README's `pip install .`, or as the Dockerfile does (its build stage
    in one virtualenv, its final stage in another)."""
    base = tmp_path_factory.mktemp("fresh")
    source = checkout_copy(base / "clone")
    if request.param == "pip install .":
        bin_dir = new_venv(base / "venv")
        pip(bin_dir, "pip install --quiet .", source, base)
        return bin_dir
    wheels = base / "wheels"
    build = new_venv(base / "build")
    for step in IMAGE_BUILD_STEPS:
        pip(build, step, source, wheels)
    bin_dir = new_venv(base / "venv")
    for step in IMAGE_INSTALL_STEPS:
        pip(bin_dir, step, source, wheels)
    return bin_dir


def installed(bin_dir: Path) -> set[str]:
    out = subprocess.run(
        [str(bin_dir / "python"), "-m", "pip", "list", "--format=freeze"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    return {line.split("==")[0].lower() for line in out.splitlines()}


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    procs: list[subprocess.Popen[str]] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.communicate(timeout=10)  # reaps it and closes its pipe


def start(procs: list[subprocess.Popen[str]], *argv: str) -> subprocess.Popen[str]:
    # cwd is elsewhere, so the process imports the installed package, not this checkout.
    proc = subprocess.Popen(
        argv,
        cwd="/",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    procs.append(proc)
    return proc


def wait_answering(url: str, limit_s: float = 60) -> None:
    """Poll until the process answers (bounded): its start is the event waited for."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            httpx.get(url)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not come up")


def test_no_extra_is_installed(clean_install: Path, request: pytest.FixtureRequest) -> None:
    packages = installed(clean_install)
    assert "safeproxy" in packages
    assert not packages & {"alt-profanity-check", "openai", "pytest"}
    # The image carries the redis extra (the gateway overlay keeps shared state in Redis).
    image = request.node.callspec.params["clean_install"] == "image"
    assert ("redis" in packages) == image


def test_serve_answers_from_a_clean_install(
    clean_install: Path, processes: list[subprocess.Popen[str]]
) -> None:
    mock_port, proxy_port = free_port(), free_port()
    start(processes, str(clean_install / "safeproxy"), "mock-upstream", "--port", str(mock_port))
    wait_answering(f"http://127.0.0.1:{mock_port}/v1/models")
    upstream = f"http://127.0.0.1:{mock_port}"
    serve = [str(clean_install / "safeproxy"), "serve", "--port", str(proxy_port)]
    start(processes, *serve, "--upstream", upstream)
    url = f"http://127.0.0.1:{proxy_port}"
    wait_healthy(url)
    reply = httpx.post(url + "/v1/chat/completions", json=CHAT, timeout=30)
    assert reply.status_code == 200, reply.text
    assert reply.json()["choices"][0]["message"]["content"]
    # The image's HEALTHCHECK command passes against this process, and fails with none.
    assert health_check(clean_install, proxy_port) == 0
    assert health_check(clean_install, free_port()) != 0


def health_check(bin_dir: Path, port: int) -> int:
    """The Dockerfile's HEALTHCHECK command, run by this virtualenv's python on `port`."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK .*?CMD (\[.*\])$", text, re.MULTILINE)
    assert match, "no HEALTHCHECK ... CMD [...] in the Dockerfile"
    argv: list[str] = json.loads(match.group(1))
    assert argv[0] == "python" and "127.0.0.1:8080" in argv[-1], argv
    argv = [str(bin_dir / "python"), *argv[1:-1], argv[-1].replace(":8080", f":{port}")]
    return subprocess.run(argv, capture_output=True, timeout=30, check=False).returncode


# The demo is the README's command: not the image's entry point.
@pytest.mark.parametrize("clean_install", ["pip install ."], indirect=True)
def test_demo_answers_from_a_clean_install(
    clean_install: Path, processes: list[subprocess.Popen[str]]
) -> None:
    port = free_port()
    proc = start(processes, str(clean_install / "safeproxy"), "demo", "--port", str(port))
    assert proc.stdout is not None
    seen = ""
    while "Ctrl-C" not in seen:
        line = proc.stdout.readline()
        assert line, f"demo exited before its banner:\n{seen}"
        seen += line
    reply = httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", json=CHAT, timeout=30)
    assert reply.status_code == 200, reply.text
