#!/usr/bin/env bash
# Dependency audit with pip-audit (PyPI: `pip install pip-audit`; not a dev extra, since it
# needs the network to a vulnerability database that a test run may not reach).
#   1. the container image's locked set, deploy/docker/requirements.lock, exactly as pinned
#      (hashes required, nothing resolved or installed);
#   2. the site-packages of the `python` on the PATH (after `pip install -e '.[dev]'`: the
#      dev environment; pip-audit may live in a virtualenv of its own), or the site-packages
#      directories given as arguments.
# --strict: a package the vulnerability service does not know fails the audit instead of
# being skipped in silence (without it, pip-audit says "No known vulnerabilities found"
# about packages it could not look up at all). AUDIT_SERVICE picks the service: osv
# (default, api.osv.dev) or pypi (PyPI's per-release JSON API).
set -euo pipefail
cd "$(dirname "$0")/.."
service="${AUDIT_SERVICE:-osv}"
audit=(pip-audit --strict --progress-spinner off --vulnerability-service "$service")
command -v pip-audit >/dev/null || { echo "pip-audit is not installed: pip install pip-audit" >&2; exit 2; }

echo "== deploy/docker/requirements.lock ($service)"
status=0  # both parts run; either failing fails the script
"${audit[@]}" --disable-pip --require-hashes -r deploy/docker/requirements.lock || status=1
if [ "$#" -eq 0 ]; then
    set -- "$(python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
fi
paths=()
for p in "$@"; do paths+=(--path "$p"); done
echo "== $* ($service)"
"${audit[@]}" "${paths[@]}" || status=1
exit "$status"
