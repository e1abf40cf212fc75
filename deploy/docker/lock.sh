#!/usr/bin/env bash
# Regenerates the image's hash-locked requirements (needs uv: pip install uv).
#   requirements.lock: safeproxy's dependencies and its `redis` and `postgres` extras (the
#                      gateway's shared state and shared review queue), every version pinned
#                      with the hashes of all its files;
#   build.lock:        what builds the wheel (setuptools, wheel; build.in).
# Run after changing pyproject.toml's dependencies; tests/unit/test_dockerfile.py fails while
# requirements.lock misses one.
set -euo pipefail
cd "$(dirname "$0")/../.."
compile=(uv pip compile --quiet --universal --python-version 3.11 --generate-hashes
    --no-annotate --custom-compile-command deploy/docker/lock.sh)
"${compile[@]}" pyproject.toml --extra redis --extra postgres -o deploy/docker/requirements.lock
"${compile[@]}" deploy/docker/build.in -o deploy/docker/build.lock
