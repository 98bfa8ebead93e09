#!/usr/bin/env bash
# Three `kiln serve` engines on one PostgreSQL behind HAProxy (round robin, health-checked on
# /healthcheck), driven by the stock `openstack` client and `kiln-bench load` through the proxy;
# then one engine is killed with SIGKILL mid-create and the others carry the stack on.
# Last line: "N passed, M failed"; exit status non-zero on any failure.
#
#   KILN_TEST_POSTGRES=postgresql://USER@127.0.0.1:PORT/postgres scripts/multi-engine-check.sh [path/to/kiln]
# Needs haproxy and psql; reuses the client check's venv (KILN_OSC_VENV, default .build/osc-venv).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
KILN=${1:-$ROOT/.build/debug/kiln}
BENCH=$(dirname "$KILN")/kiln-bench
VENV=${KILN_OSC_VENV:-$ROOT/.build/osc-venv}
WORK=$(mktemp -d)
PASSED=0 FAILED=0
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "PASS: $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && sed 's/^/    /' <<<"$2" | head -40; }
finish() { echo "multi-engine: $PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; exit $?; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

[ -n "${KILN_TEST_POSTGRES:-}" ] || { fail "KILN_TEST_POSTGRES names a PostgreSQL server"; finish; }
command -v haproxy >/dev/null || { fail "haproxy is installed (Debian: apt-get install haproxy)"; finish; }
command -v psql >/dev/null || { fail "psql is installed"; finish; }
[ -x "$VENV/bin/openstack" ] || { fail "the openstack client's venv at $VENV (scripts/openstack-client-check.sh makes it)"; finish; }
OPENSTACK=$VENV/bin/openstack

# A database of its own on the given server.
DB_NAME=kiln_multi_$$_$RANDOM
psql "$KILN_TEST_POSTGRES" -q -c "CREATE DATABASE $DB_NAME" >"$WORK/psql.log" 2>&1 || { fail "CREATE DATABASE" "$(cat "$WORK/psql.log")"; finish; }
DATABASE=$(python3 -c 'import sys, urllib.parse as u; p=u.urlsplit(sys.argv[1]); print(u.urlunsplit((p.scheme, p.netloc, "/" + sys.argv[2], p.query, "")))' "$KILN_TEST_POSTGRES" "$DB_NAME")

HOME_DIR=$WORK/home
PORTS=()
start_engine() {
    local index=$1 port=$2
    "$KILN" serve --host 127.0.0.1 --port "$port" --home "$HOME_DIR" --database "$DATABASE" \
        --engine-name "engine-$index" --lease-ttl 5 >"$WORK/engine-$index.log" 2>&1 &
    PIDS[$index]=$!
    for _ in $(seq 1 300); do
        curl -sf -o /dev/null "http://127.0.0.1:$port/healthcheck" && return 0
        sleep 0.1
    done
    return 1
}
for index in 0 1 2; do
    PORTS[$index]=$(free_port)
    # The first start creates the home's identity (the admin's password is printed once).
    start_engine "$index" "${PORTS[$index]}" || { fail "engine $index starts" "$(cat "$WORK/engine-$index.log")"; finish; }
done
pass "three engines start on one PostgreSQL database"
PASSWORD=$(sed -n 's/.*admin password (shown once): //p' "$WORK/engine-0.log" | head -1)

PROXY=$(free_port)
cat >"$WORK/haproxy.cfg" <<CFG
defaults
    mode http
    timeout connect 2s
    timeout client 120s
    timeout server 120s
    retries 3
    option redispatch
frontend heat
    bind 127.0.0.1:$PROXY
    default_backend engines
backend engines
    balance roundrobin
    option httpchk GET /healthcheck
    http-check expect status 200
    server e0 127.0.0.1:${PORTS[0]} check inter 1s fall 2 rise 1
    server e1 127.0.0.1:${PORTS[1]} check inter 1s fall 2 rise 1
    server e2 127.0.0.1:${PORTS[2]} check inter 1s fall 2 rise 1
CFG
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 &
PIDS[3]=$!
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PROXY/healthcheck" && break; sleep 0.1; done
curl -sf -o /dev/null "http://127.0.0.1:$PROXY/healthcheck" && pass "HAProxy round robin in front of the three" \
    || { fail "HAProxy starts" "$(cat "$WORK/haproxy.log")"; finish; }

sed -E "s#auth_url: http://127.0.0.1:[0-9]+/v3#auth_url: http://127.0.0.1:$PROXY/v3#" "$HOME_DIR/clouds.yaml" >"$WORK/clouds.yaml"
export OS_CLIENT_CONFIG_FILE=$WORK/clouds.yaml
os() { "$OPENSTACK" --os-cloud kiln "$@" 2>&1; }
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

check "service list shows three engines up" "engine-2" -- os orchestration service list
[ "$(grep -cE 'engine-[0-2].*up' <<<"$LAST_OUTPUT")" -eq 3 ] && pass "each engine listed up" || fail "each engine listed up" "$LAST_OUTPUT"

# Stacks through the proxy: each request may land on any engine (tokens are shared).
for n in 1 2 3 4 5 6; do
    check "stack create --wait s$n" "CREATE_COMPLETE" -- os stack create --wait -t examples/hello.yaml --parameter name=Engine s$n
done
check "stack list through any engine" "s6 .*CREATE_COMPLETE" -- os stack list
[ "$(grep -c 'CREATE_COMPLETE' <<<"$LAST_OUTPUT")" -eq 6 ] && pass "six stacks CREATE_COMPLETE" || fail "six stacks CREATE_COMPLETE" "$LAST_OUTPUT"
busy=0
for index in 0 1 2; do
    if curl -s "http://127.0.0.1:${PORTS[$index]}/metrics" | grep -Eq 'kiln_operations_total\{.*action="CREATE".*result="COMPLETE".*\} [1-9]'; then
        busy=$((busy + 1))
    fi
done
[ "$busy" -ge 2 ] && pass "creates ran on $busy of the three engines" || fail "creates spread over the engines (only $busy ran any)"

for n in 1 2 3 4 5 6; do
    check "stack delete --wait s$n" "" -- os stack delete --yes --wait s$n
done

# kiln-bench load: 20 clients for 20 s through the proxy (it checks nothing is left after).
if out=$(KILN_BENCH_PASSWORD=$PASSWORD "$BENCH" load --port "$PROXY" --clients 20 --seconds 20 2>&1); then
    pass "kiln-bench load through the proxy: $(tr '\n' ' ' <<<"$out")"
else
    fail "kiln-bench load through the proxy" "$out"
fi

# kill -9 of the engine running a create: another carries it on.
cat >"$WORK/slow.yaml" <<'YAML'
heat_template_version: 2018-08-31
resources:
YAML
# A chain, one resource after another: about 9 s of create to kill into.
printf '  r0:\n    type: OS::Heat::TestResource\n    properties: {action_wait_secs: {create: 0.3}}\n' >>"$WORK/slow.yaml"
for n in $(seq 1 29); do
    printf '  r%d:\n    type: OS::Heat::TestResource\n    depends_on: r%d\n    properties: {action_wait_secs: {create: 0.3}}\n' "$n" "$((n - 1))" >>"$WORK/slow.yaml"
done
check "slow stack create starts" "CREATE_IN_PROGRESS" -- os stack create -t "$WORK/slow.yaml" slow
holder=""
for _ in $(seq 1 100); do
    for index in 0 1 2; do
        grep -q '"stack_name":"slow"\|"stack_name": "slow"' "$WORK/engine-$index.log" && holder=$index
    done
    [ -n "$holder" ] && break
    sleep 0.1
done
if [ -z "$holder" ]; then
    fail "the engine running the create is found in the logs"
else
    sleep 2
    kill -9 "${PIDS[$holder]}"
    pass "engine-$holder killed with SIGKILL mid-create"
    final=""
    for _ in $(seq 1 120); do
        final=$("$OPENSTACK" --os-cloud kiln stack show slow -f value -c stack_status 2>/dev/null)
        [ "$final" = "CREATE_COMPLETE" ] && break
        sleep 1
    done
    [ "$final" = "CREATE_COMPLETE" ] && pass "the surviving engines finish the create" || fail "the surviving engines finish the create (status $final)"
    check "the dead engine is listed down" "engine-$holder.*down" -- os orchestration service list
fi
check "no stack left in progress" "." -- os stack list -f value -c "Stack Status"
grep -q IN_PROGRESS <<<"$LAST_OUTPUT" && fail "no stack left in progress" "$LAST_OUTPUT" || pass "every stack in a final state"
check "stack delete --wait slow" "" -- os stack delete --yes --wait slow
finish
