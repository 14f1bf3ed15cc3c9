#!/usr/bin/env bash
# The whole test suite, as CI runs it, on a fresh Debian machine (as root): installs Debian's
# Chromium, PostgreSQL and Redis, and the test dependencies into a virtual environment; runs
# every test on SQLite, then again on PostgreSQL, all but the browser tests: what a person
# sees and does in a browser does not depend on the database (every view and write under
# them is tested over HTTP on both), and running them twice would take CI past its time.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

apt-get update
apt-get install -y chromium postgresql redis-server python3-venv
# Into a virtual environment, never the system's Python (PEP 668): the one already active,
# or .venv beside the checkout.
if [ -z "${VIRTUAL_ENV:-}" ]; then
    [ -x .venv/bin/python ] || python3 -m venv .venv
    . .venv/bin/activate
fi
python -m pip install -e '.[test]'

python -m pytest

# Debian creates a cluster but, with no init system running, may not start it.
read -r version cluster < <(pg_lsclusters --no-header | awk 'NR == 1 {print $1, $2}')
pg_ctlcluster "$version" "$cluster" status >/dev/null || pg_ctlcluster "$version" "$cluster" start
# A superuser role named after this account, so the tests connect over the local socket.
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname = '$(whoami)'\"" | grep -q 1 \
    || su postgres -c "createuser --superuser $(whoami)"
DATABASE_URL=postgresql:///postgres python -m pytest --ignore=tests/browser
