#!/usr/bin/env bash
# Runs the gabbi API tests shipped in heat-tempest-plugin 3.0.0 (47 tests, 6 files) against
# `kiln serve`, as tempest's test_heat_api does but through gabbi-run.
# Last line: "gabbi: N passed, M failed"; exit status non-zero on any failure.
#
#   scripts/gabbi-check.sh [path/to/kiln]
#   scripts/gabbi-check.sh --venv-only     # only make the venv and fetch the tests (.ci/run, while it builds)
# KILN_GABBI_VENV reuses a venv (created and filled on first use).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV_ONLY=false
if [ "${1:-}" = "--venv-only" ]; then VENV_ONLY=true; shift; fi
KILN=${1:-$ROOT/.build/debug/kiln}
VENV=${KILN_GABBI_VENV:-$ROOT/.build/gabbi-venv}
PLUGIN_VERSION=3.0.0
PLUGIN_DIR=$ROOT/.build/heat-tempest-plugin-$PLUGIN_VERSION
GABBITS=$PLUGIN_DIR/heat_tempest_plugin/tests/api/gabbits
WORK=$(mktemp -d)
SERVER_PID=

cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# A failure before the tests run counts as every test failed.
give_up() {
    echo "gabbi: $1" >&2
    [ -n "${2:-}" ] && sed 's/^/    /' <<<"$2" | tail -40 >&2
    echo "gabbi: 0 passed, 47 failed"
    exit 1
}

$VENV_ONLY || [ -x "$KILN" ] || give_up "no kiln binary at $KILN (build it first: swift build)"

if [ ! -x "$VENV/bin/gabbi-run" ]; then
    python3 -m venv "$VENV" || give_up "python3 -m venv failed"
    "$VENV/bin/pip" install -q gabbi >"$WORK/pip.log" 2>&1 || give_up "pip install gabbi failed" "$(cat "$WORK/pip.log")"
fi
if [ ! -d "$GABBITS" ]; then
    "$VENV/bin/pip" download -q --no-deps "heat-tempest-plugin==$PLUGIN_VERSION" -d "$WORK/wheel" >"$WORK/pip.log" 2>&1 \
        || give_up "pip download heat-tempest-plugin failed" "$(cat "$WORK/pip.log")"
    # A wheel is a zip; Python's zipfile spares a dependency on unzip.
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' \
        "$WORK"/wheel/heat_tempest_plugin-*.whl "$PLUGIN_DIR" || give_up "cannot unpack the heat-tempest-plugin wheel"
fi
if $VENV_ONLY; then echo "gabbi: venv and tests ready"; exit 0; fi

# A fresh home (database, identity) for this run.
. "$ROOT/scripts/lib/kiln-serve.sh"
start_kiln_serve "$KILN" "$WORK" || give_up "kiln serve did not start" "$(cat "$WORK/serve.log")"

# A project-scoped token for admin, as tempest's AuthenticationFixture provides one.
AUTH=$(python3 -c 'import json, sys; print(json.dumps({"auth": {
    "identity": {"methods": ["password"], "password": {"user": {
        "name": "admin", "password": sys.argv[1], "domain": {"name": "Default"}}}},
    "scope": {"project": {"name": "admin", "domain": {"name": "Default"}}}}}))' "$PASSWORD")
curl -s -D "$WORK/token.headers" -o "$WORK/token.json" -H 'Content-Type: application/json' \
    -d "$AUTH" "http://127.0.0.1:$PORT/v3/auth/tokens"
OS_TOKEN=$(sed -n 's/^[Xx]-[Ss]ubject-[Tt]oken: *//p' "$WORK/token.headers" | tr -d '\r')
PROJECT=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["token"]["project"]["id"])' "$WORK/token.json" 2>/dev/null)
[ -n "$OS_TOKEN" ] && [ -n "$PROJECT" ] || give_up "no token from /v3/auth/tokens" "$(cat "$WORK/token.headers" "$WORK/token.json")"
export OS_TOKEN
export PREFIX=api-$RANDOM

# One suite per file; gabbi-run ignores the files' `fixtures:` key (the token is the fixture's job).
"$VENV/bin/gabbi-run" "http://127.0.0.1:$PORT/v1/$PROJECT" -- "$GABBITS"/*.yaml >"$WORK/gabbi.log" 2>&1
cat "$WORK/gabbi.log"

# gabbi-run marks each test "... ✓ NAME" (passed), "... ✗" (failed), "... E" (error) or "... -"
# (skipped: a file's later tests are skipped once one fails); counted from its output.
PASSED=$(grep -c '^\.\.\. ✓ ' "$WORK/gabbi.log")
FAILED=$(grep -c '^\.\.\. \(✗\|E\|-\) ' "$WORK/gabbi.log")
[ $((PASSED + FAILED)) -gt 0 ] || FAILED=47
echo "gabbi: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
