#!/usr/bin/env bash
# Drives `kiln serve` with the stock OpenStack clients (python-openstackclient, python-heatclient)
# and checks what they print. Last line: "N passed, M failed"; exit status non-zero on any failure.
#
#   scripts/openstack-client-check.sh [path/to/kiln]
# KILN_OSC_VENV reuses a venv (created and filled on first use).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
KILN=${1:-$ROOT/.build/debug/kiln}
VENV=${KILN_OSC_VENV:-$ROOT/.build/osc-venv}
WORK=$(mktemp -d)
PASSED=0 FAILED=0
SERVER_PID=

cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "PASS: $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && sed 's/^/    /' <<<"$2" | head -40; }
finish() { echo "$PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; exit $?; }

if [ ! -x "$KILN" ]; then
    fail "kiln binary at $KILN (build it first: swift build)"; finish
fi

if [ ! -x "$VENV/bin/openstack" ]; then
    started=$(date +%s)
    python3 -m venv "$VENV" || { fail "python3 -m venv"; finish; }
    if ! "$VENV/bin/pip" install -q python-openstackclient==10.5.0 python-heatclient==5.3.0 >"$WORK/pip.log" 2>&1; then
        echo "pinned versions not installable; trying the latest"
        "$VENV/bin/pip" install -q python-openstackclient python-heatclient >>"$WORK/pip.log" 2>&1 \
            || { fail "pip install" "$(tail -20 "$WORK/pip.log")"; finish; }
    fi
    echo "pip install took $(( $(date +%s) - started )) s"
fi
OPENSTACK=$VENV/bin/openstack

# A free loopback port, asked of the kernel.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
HOME_DIR=$WORK/home
"$KILN" serve --host 127.0.0.1 --port "$PORT" --home "$HOME_DIR" >"$WORK/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
    [ -f "$HOME_DIR/clouds.yaml" ] && curl -s -o /dev/null "http://127.0.0.1:$PORT/v3" && break
    sleep 0.1
done
if ! grep -q "password (shown once)" "$WORK/serve.log" || [ ! -f "$HOME_DIR/clouds.yaml" ]; then
    fail "kiln serve starts and writes clouds.yaml" "$(cat "$WORK/serve.log")"; finish
fi
pass "kiln serve starts, prints the admin password once and writes clouds.yaml"

export OS_CLIENT_CONFIG_FILE=$HOME_DIR/clouds.yaml
os() { "$OPENSTACK" --os-cloud kiln "$@" 2>&1; }

# check NAME EXPECTED-REGEX -- COMMAND...: the command exits 0 and its output matches.
check() {
    local name=$1 pattern=$2; shift 3
    local out
    if out=$("$@"); then
        if grep -Eq -- "$pattern" <<<"$out"; then pass "$name"; else fail "$name (output lacks /$pattern/)" "$out"; fi
    else
        fail "$name (exit status $?)" "$out"
    fi
    LAST_OUTPUT=$out
}

check "stack create --wait" "CREATE_COMPLETE" -- os stack create --wait -t examples/hello.yaml s1
check "stack list" "s1 .*CREATE_COMPLETE" -- os stack list
check "stack show -f json" '"stack_status": "CREATE_COMPLETE"' -- os stack show s1 -f json
check "stack output show" '"output_value": "Hello, world! Your password is [A-Za-z0-9]{16}\."' -- os stack output show s1 greeting -f json
check "stack resource list" "greeting .*OS::Heat::Value .*CREATE_COMPLETE" -- os stack resource list s1
if ! grep -q "password .*OS::Heat::RandomString" <<<"$LAST_OUTPUT"; then fail "stack resource list shows password" "$LAST_OUTPUT"; fi
check "stack event list" "\[s1\]: CREATE_COMPLETE +Stack CREATE completed successfully" -- os stack event list s1
check "orchestration template validate" "Description: Hello from Kiln" -- os orchestration template validate -t examples/hello.yaml
if ! grep -q "Default: world" <<<"$LAST_OUTPUT"; then fail "template validate shows the parameter default" "$LAST_OUTPUT"; fi
check "stack delete --yes --wait" "" -- os stack delete --yes --wait s1
check "stack list is empty after delete" "^$" -- os stack list
check "wrong password is refused" "" -- bash -c "! '$OPENSTACK' --os-cloud kiln --os-password wrong stack list >/dev/null 2>&1"

finish
