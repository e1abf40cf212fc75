#!/usr/bin/env bash
# The README's test command: installs what the suite needs, then runs all of it.
#   - the dev extras (pip install -e '.[dev]');
#   - on Debian or Ubuntu, when missing: redis-server (tests/redis_server.py starts private
#     servers from it), promtool (Debian's `prometheus` package; the alert-rule tests),
#     PostgreSQL's initdb and postgres (Debian's `postgresql`; tests/postgres_server.py starts
#     private servers, as the `postgres` user when run as root), and chromium with
#     chromium-driver (the console's browser tests, tests/browser/).
# On other systems install those yourself first (the README lists them); the script then
# only checks that they are there. Arguments go to pytest. pytest's exit code 5 ("no tests
# ran") is a failure, like any other non-zero code.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v promtool >/dev/null || missing+=(prometheus)
# Debian keeps PostgreSQL's server programs off PATH, under /usr/lib/postgresql/<version>/bin.
have_postgres() {
    local dir
    command -v initdb >/dev/null && command -v postgres >/dev/null && return 0
    for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ] && return 0
    done
    return 1
}
have_postgres || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if [ "${#missing[@]}" -gt 0 ]; then
    if command -v apt-get >/dev/null; then
        sudo=""
        if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
        echo "installing from Debian's packages: ${missing[*]}" >&2
        $sudo apt-get update -qq
        $sudo env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
        echo "missing: ${missing[*]} (redis-server, promtool from Prometheus," \
            "PostgreSQL's initdb/postgres, chromium and chromedriver); install them" \
            "with your system's package manager, then run this again" >&2
        exit 1
    fi
fi

python -m pip install -e '.[dev]'
exec python -m pytest "$@"
