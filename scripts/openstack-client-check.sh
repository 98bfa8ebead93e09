#!/usr/bin/env bash
# Drives `kiln serve` with the stock OpenStack clients (python-openstackclient, python-heatclient,
# python-octaviaclient, gnocchiclient, aodhclient, python-zaqarclient)
# and checks what they print. Last line: "N passed, M failed"; exit status non-zero on any failure.
#
#   scripts/openstack-client-check.sh [path/to/kiln]
#   scripts/openstack-client-check.sh --venv-only     # only make the venv (.ci/run, while it builds)
# KILN_OSC_VENV reuses a venv (created and filled on first use).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV_ONLY=false
if [ "${1:-}" = "--venv-only" ]; then VENV_ONLY=true; shift; fi
KILN=${1:-$ROOT/.build/debug/kiln}
VENV=${KILN_OSC_VENV:-$ROOT/.build/osc-venv}
WORK=$(mktemp -d)
PASSED=0 FAILED=0
SERVER_PID= TLS_PID= MTLS_PID=

cleanup() {
    for pid in $SERVER_PID $TLS_PID $MTLS_PID; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "PASS: $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL: $1"; [ -n "${2:-}" ] && sed 's/^/    /' <<<"$2" | head -40; }
finish() { echo "$PASSED passed, $FAILED failed"; [ "$FAILED" -eq 0 ]; exit $?; }

if ! $VENV_ONLY && [ ! -x "$KILN" ]; then
    fail "kiln binary at $KILN (build it first: swift build)"; finish
fi

if [ ! -x "$VENV/bin/openstack" ] || [ ! -d "$VENV/lib" ] || ! ls "$VENV"/lib/python3*/site-packages | grep -q octaviaclient \
    || ! ls "$VENV"/lib/python3*/site-packages | grep -q gnocchiclient || ! ls "$VENV"/lib/python3*/site-packages | grep -q aodhclient \
    || ! ls "$VENV"/lib/python3*/site-packages | grep -q zaqarclient; then
    started=$(date +%s)
    python3 -m venv "$VENV" || { fail "python3 -m venv"; finish; }
    if ! "$VENV/bin/pip" install -q python-openstackclient==10.5.0 python-heatclient==5.3.0 python-octaviaclient==3.15.0 gnocchiclient==7.2.0 aodhclient==3.12.0 python-zaqarclient==4.7.0 >"$WORK/pip.log" 2>&1; then
        echo "pinned versions not installable; trying the latest"
        "$VENV/bin/pip" install -q python-openstackclient python-heatclient python-octaviaclient gnocchiclient aodhclient python-zaqarclient >>"$WORK/pip.log" 2>&1 \
            || { fail "pip install" "$(tail -20 "$WORK/pip.log")"; finish; }
    fi
    echo "pip install took $(( $(date +%s) - started )) s"
fi
$VENV_ONLY && finish
OPENSTACK=$VENV/bin/openstack

. "$ROOT/scripts/lib/kiln-serve.sh"
# Telemetry samples every second, so the metric checks see measures at once.
export KILN_TELEMETRY_INTERVAL=1s
if ! start_kiln_serve "$KILN" "$WORK"; then
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

# Extra files: an environment, a stack that fails, and the abandon data.
cat >"$WORK/env.yaml" <<'YAML'
parameters:
  name: Kiln
YAML
cat >"$WORK/failing.yaml" <<'YAML'
heat_template_version: 2018-08-31
resources:
  fine:
    type: OS::Heat::None
  broken:
    type: OS::Heat::TestResource
    properties:
      fail: true
YAML

# expect_line NAME REGEX: the last command's output also matches (its own PASS/FAIL).
expect_line() {
    if grep -Eq -- "$2" <<<"$LAST_OUTPUT"; then pass "$1"; else fail "$1 (output lacks /$2/)" "$LAST_OUTPUT"; fi
}
# json_field FIELD: a top-level field of the last `-f json` output, as text.
json_field() { python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(v if isinstance(v, str) else json.dumps(v))' "$1" <<<"$LAST_OUTPUT" 2>/dev/null; }

# --- create, read ---
check "stack create --wait" "CREATE_COMPLETE" -- os stack create --wait -t examples/hello.yaml -e "$WORK/env.yaml" s1
check "stack list" "s1 .*CREATE_COMPLETE" -- os stack list
check "stack show -f json" '"stack_status": "CREATE_COMPLETE"' -- os stack show s1 -f json
expect_line "stack show has the environment's parameter" '"name": "Kiln"'
check "stack output list" "greeting +.*The greeting\." -- os stack output list s1
check "stack output show" '"output_value": "Hello, Kiln! Your password is [A-Za-z0-9]{16}\."' -- os stack output show s1 greeting -f json
PASSWORD=$(json_field output_value | sed -E 's/.*password is ([A-Za-z0-9]+)\./\1/')
check "stack resource list" "greeting .*OS::Heat::Value .*CREATE_COMPLETE" -- os stack resource list s1
expect_line "stack resource list shows password" "password .*OS::Heat::RandomString"
check "stack resource show" '"resource_type": "OS::Heat::RandomString"' -- os stack resource show s1 password -f json
expect_line "stack resource show has the attributes" "\"value\": \"$PASSWORD\""
check "stack event list" "\[s1\]: CREATE_COMPLETE +Stack CREATE completed successfully" -- os stack event list s1
expect_line "stack event list shows resource events" "\[s1\.password\]: CREATE_COMPLETE"
check "stack template show" "description: Hello from Kiln" -- os stack template show s1
expect_line "stack template show has the resources" "type: OS::Heat::RandomString"
check "stack environment show" "name: Kiln" -- os stack environment show s1

# --- update ---
check "stack update --dry-run lists the changed resource" '"resource_name": "greeting"' -- os stack update --dry-run -t examples/hello.yaml --parameter name=Bob s1 -f json
python3 -c '
import json, sys
plan = json.loads(sys.argv[1])
def names(key):
    value = plan.get(key, [])
    value = json.loads(value) if isinstance(value, str) else value
    return sorted(r["resource_name"] for r in value)
assert names("updated") == ["greeting"], plan
assert names("unchanged") == ["password"], plan
' "$LAST_OUTPUT" 2>"$WORK/err" && pass "update plan: greeting updated, password unchanged" || fail "update plan: greeting updated, password unchanged" "$(cat "$WORK/err")"
check "stack update --wait" "UPDATE_COMPLETE" -- os stack update --wait -t examples/hello.yaml -e "$WORK/env.yaml" --parameter name=Alice s1
check "stack update changed the output" "Hello, Alice! Your password is $PASSWORD\." -- os stack output show s1 greeting -f json

# --- preview ---
check "stack create --dry-run" "OS::Heat::RandomString" -- os stack create --dry-run -t examples/hello.yaml preview1 -f json
expect_line "stack create --dry-run shows the stack name" '"stack_name": "preview1"'
check "stack create --dry-run creates nothing" "^$" -- bash -c "'$OPENSTACK' --os-cloud kiln stack list -f value -c 'Stack Name' | grep preview1 || true"

# --- actions ---
check "stack suspend --wait" "SUSPEND_COMPLETE" -- os stack suspend --wait s1
check "stack resume --wait" "RESUME_COMPLETE" -- os stack resume --wait s1
check "stack check --wait" "CHECK_COMPLETE" -- os stack check --wait s1
check "stack show after check" '"stack_status": "CHECK_COMPLETE"' -- os stack show s1 -f json

# --- snapshots ---
check "stack snapshot create" "COMPLETE" -- os stack snapshot create --name snap1 s1
check "stack snapshot list" "snap1 .*COMPLETE" -- os stack snapshot list s1

# --- abandon, adopt ---
check "stack abandon --output-file" "" -- os stack abandon --output-file "$WORK/abandon.json" s1
check "abandon file holds the resources" '"password"' -- cat "$WORK/abandon.json"
check "abandoned stack is gone" "^$" -- bash -c "'$OPENSTACK' --os-cloud kiln stack list -f value -c 'Stack Name' | grep -x s1 || true"
check "stack adopt --wait" "ADOPT_COMPLETE" -- os stack adopt --wait --adopt-file "$WORK/abandon.json" s2
check "adopted stack keeps the password" "Hello, Alice! Your password is $PASSWORD\." -- os stack output show s2 greeting -f json

# --- failures ---
check "failing stack create --wait fails" "CREATE_FAILED" -- bash -c "! '$OPENSTACK' --os-cloud kiln stack create --wait -t '$WORK/failing.yaml' bad 2>&1"
check "stack failures list" "bad\.broken:" -- os stack failures list bad
expect_line "stack failures list gives the status" "status: CREATE_FAILED"
expect_line "stack failures list gives the reason" "^    .*[Ff]ail"
expect_line "stack failures list gives the type" "resource_type: OS::Heat::TestResource"

# --- templates and types ---
check "orchestration template validate" "Description: Hello from Kiln" -- os orchestration template validate -t examples/hello.yaml
expect_line "template validate shows the parameter default" "Default: world"
check "orchestration resource type list" "^\| OS::Heat::None +\|" -- os orchestration resource type list
check "orchestration resource type show" "length:" -- os orchestration resource type show OS::Heat::RandomString
expect_line "resource type show lists the properties" "character_classes:"

# --- the emulated cloud through its own APIs (compute, network, block storage, load balancer, image) ---
check "three-tier stack create --wait" "CREATE_COMPLETE" -- os stack create --wait -t examples/three-tier.yaml --parameter web_count=2 app
check "flavor list" "m1\.tiny .*512" -- os flavor list
check "flavor create" '"name": "kiln.check"' -- os flavor create --ram 256 --vcpus 1 --disk 1 --property hw:cpu_policy=shared kiln.check -f json
check "flavor show" '"hw:cpu_policy": "shared"' -- os flavor show kiln.check -f json
check "flavor delete" "^$" -- os flavor delete kiln.check
check "image list" "cirros-0\.6\.2-x86_64-disk +\| active" -- os image list
check "server list: three ACTIVE servers on three-tier-net" "app-web-.*ACTIVE +\| three-tier-net=10\.10\." -- os server list
check "server list names the image and flavor" "cirros-0\.6\.2-x86_64-disk +\| m1\.medium" -- os server list
check "network list" "three-tier-net" -- os network list
check "network list shows public" "\| public " -- os network list
check "subnet list" "10\.10\.0\.0/22" -- os subnet list
check "port list: MACs and fixed IPs" "fa:16:3e:.*ip_address='10\.10\.0\." -- os port list
check "router list" "app-router-.*ACTIVE" -- os router list
check "floating ip list" "172\.24\.4\.[0-9]+ +\| 10\.10\.0\.2 " -- os floating ip list
check "security group list" "web tier" -- os security group list
check "volume list: in use by the servers" "in-use \| +10 \| Attached to app-db-" -- os volume list
VOLUME=$("$OPENSTACK" --os-cloud kiln volume list -f value -c ID 2>/dev/null | head -1)
check "volume show" "in-use" -- os volume show "$VOLUME" -f value -c status
check "loadbalancer list" "10\.10\.0\.2 +\| ACTIVE +\| ONLINE" -- os loadbalancer list
LB=$("$OPENSTACK" --os-cloud kiln loadbalancer list -f value -c id 2>/dev/null | head -1)
check "loadbalancer show" "vip_address .*10\.10\.0\.2" -- os loadbalancer show "$LB"
POOL=$("$OPENSTACK" --os-cloud kiln loadbalancer pool list -f value -c id 2>/dev/null | head -1)
check "loadbalancer member list POOL: the web servers, ONLINE" "10\.10\.0\.[0-9]+ +\| +80 \| ONLINE" -- os loadbalancer member list "$POOL"
check "keypair create" "PRIVATE KEY" -- os keypair create demo-key
check "keypair list" "demo-key .*ssh" -- os keypair list
check "server create --wait" "ACTIVE" -- os server create --flavor m1.tiny --image cirros-0.6.2-x86_64-disk --network three-tier-net --key-name demo-key vm1 --wait -f value -c status
check "server show" "three-tier-net.*10\.10\.0\." -- os server show vm1 -f value -c addresses
check "server delete --wait" "" -- os server delete vm1 --wait
check "server is gone" "^$" -- bash -c "'$OPENSTACK' --os-cloud kiln server list -f value -c Name | grep -x vm1 || true"
check "openstacksdk: a network, a subnet, a port with a fixed IP, removed again" "sdk ok public sdk-net three-tier-net 10\.77\.0\.2 servers 2" -- "$VENV/bin/python" -c "
import openstack
c = openstack.connect(cloud='kiln')
net = c.network.create_network(name='sdk-net')
sub = c.network.create_subnet(network_id=net.id, cidr='10.77.0.0/24', ip_version=4)
port = c.network.create_port(network_id=net.id)
names = ' '.join(sorted(n.name for n in c.network.networks()))
web = [s for s in c.compute.servers() if '-web-' in s.name]
print('sdk ok', names, port.fixed_ips[0]['ip_address'], 'servers', len(web))
c.network.delete_port(port); c.network.delete_subnet(sub); c.network.delete_network(net)
"

# --- telemetry: Gnocchi's API (gnocchiclient) over the emulated servers and Kiln's load model ---
check "server create with metering.server_group" "ACTIVE" -- os server create --flavor m1.tiny --image cirros-0.6.2-x86_64-disk --network three-tier-net --property metering.server_group=tele tele-vm --wait -f value -c status
TELE=$("$OPENSTACK" --os-cloud kiln server show tele-vm -f value -c id 2>/dev/null)
check "kiln cloud load set (client mode, through the metric API)" "load cpu 50.0% for tele: 1 server now" -- "$KILN" cloud load set tele --cpu 50 --os-cloud kiln
sleep 3
check "metric archive-policy list" "ceilometer-low +\| +0 \| - granularity: 0:05:00, points: 8640, timespan: 30 days, 0:00:00" -- os metric archive-policy list
expect_line "metric archive-policy list has the instance metrics' policy" "kiln-instance .*granularity: 0:00:01"
check "metric resource list --type instance" "$TELE \| tele-vm +\| tele " -- os metric resource list --type instance -c id -c display_name -c server_group
check "metric resource show --type instance" "server_group +\| tele " -- os metric resource show --type instance "$TELE"
expect_line "metric resource show lists the metrics" "cpu: [0-9a-f-]{36}"
check "metric list" "kiln-instance +\| cpu +\| ns +\| $TELE" -- os metric list
check "metric measures show cpu rate:mean (ns per second at 50 % of one vcpu)" "\| +1\.0 \| +500000000\.0 \|" -- os metric measures show --resource-id "$TELE" cpu --aggregation rate:mean --granularity 1
check "metric aggregates over the server group" "aggregated \| .*\| +1\.0 \| +500000000\.0 \|" -- os metric aggregates "(aggregate rate:mean (metric cpu mean))" "server_group=tele" --resource-type instance --granularity 1 --needed-overlap 0
check "server delete --wait (telemetry)" "" -- os server delete tele-vm --wait
check "metric resource show: ended_at once deleted" "ended_at +\| 20[0-9-]+T" -- os metric resource show "$TELE"

# --- alarms: Aodh's API (aodhclient) over the emulated Aodh ---
check "alarm create (gnocchi_aggregation_by_resources_threshold)" '"state": "insufficient data"' -- os alarm create --name kiln-check \
    --type gnocchi_aggregation_by_resources_threshold --metric cpu --aggregation-method rate:mean --granularity 60 --threshold 1000 \
    --comparison-operator gt --resource-type instance --query '{"=": {"server_group": "x"}}' --severity critical \
    --alarm-action 'log://' -f json
ALARM=$(json_field alarm_id)
expect_line "alarm create shows the rule's query" '"query": "\{\\"=\\": \{\\"server_group\\": \\"x\\"\}\}"'
expect_line "alarm create shows the threshold" '"threshold": 1000\.0'
check "alarm list" "$ALARM \| gnocchi_aggregation_by_resources_threshold \| kiln-check +\| insufficient data \| critical +\| True " -- os alarm list
check "alarm list --filter name=kiln-check" "$ALARM \| gnocchi_aggregation_by_resources_threshold \| kiln-check " -- os alarm list --filter name=kiln-check
check "alarm list --query (Aodh's complex query)" "$ALARM \| gnocchi_aggregation_by_resources_threshold \| kiln-check " -- os alarm list --query "severity=critical and state=\"insufficient data\""
check "alarm list --filter state=alarm is empty" "^$" -- os alarm list --filter state=alarm -f value
check "alarm show" "comparison_operator +\| gt " -- os alarm show "$ALARM"
expect_line "alarm show has the state" "state +\| insufficient data "
check "alarm show --name" "alarm_id +\| $ALARM " -- os alarm show --name kiln-check
check "alarm update --severity moderate --threshold 2000" "severity +\| moderate " -- os alarm update --severity moderate --threshold 2000 "$ALARM"
expect_line "alarm update keeps the rule's other fields" "metric +\| cpu "
expect_line "alarm update changes the threshold" "threshold +\| 2000\.0 "
check "alarm state get" "state +\| insufficient data " -- os alarm state get "$ALARM"
check "alarm state set --state alarm" "state +\| alarm " -- os alarm state set --state alarm "$ALARM"
check "alarm state get after set" "state +\| alarm " -- os alarm state get "$ALARM"
check "alarm-history show" "state transition +\| " -- os alarm-history show "$ALARM"
expect_line "alarm-history show has the creation" "creation +\| "
check "alarm-history search (Aodh's complex query)" "$ALARM +\| .*state transition " -- os alarm-history search --query "type=\"state transition\""
check "alarm delete" "" -- os alarm delete "$ALARM"
check "alarm show after delete: Aodh's not found" "Alarm $ALARM not found" -- bash -c "! '$OPENSTACK' --os-cloud kiln alarm show '$ALARM' 2>&1"

# --- messaging: Zaqar's v2 API (python-zaqarclient's `openstack messaging ...`) over the emulated Zaqar ---
# The client sends a Client-ID (a UUID) with every call; a second one reads what the first posted.
POSTER=3f2a4f3e-0a0b-4c4d-8e8f-101112131415 READER=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee
export OS_MESSAGE_CLIENT_ID=$POSTER
check "messaging queue create" "Name +\| q1 " -- os messaging queue create q1
check "messaging queue list" "^\| q1 +\|$" -- os messaging queue list
check "messaging message post" "" -- os messaging message post q1 '[{"body": {"event": "hello"}, "ttl": 300}, {"body": "second"}]'
check "messaging message list (another client reads both, in order)" "hello.*300.*" -- os messaging message list q1 --client-id "$READER" -f value
expect_line "messaging message list has the second with Zaqar's default ttl" "second 3600 "
check "messaging message list: the poster's own only with --echo" "^$" -- os messaging message list q1 -f value
check "messaging message list --echo" "second 3600" -- os messaging message list q1 --echo -f value
FIRST=$(head -1 <<<"$LAST_OUTPUT" | cut -d' ' -f1)
check "messaging message list --message-ids" "^$FIRST .*hello" -- os messaging message list q1 --message-ids "$FIRST" -f value
check "messaging queue stats" "'free': 2.*'total': 2" -- os messaging queue stats q1
check "messaging claim create --limit 1" "\"Message_ID\": \"$FIRST\"" -- os messaging claim create q1 --ttl 120 --grace 60 --limit 1 -f json
CLAIM=$(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["Claim_ID"])' <<<"$LAST_OUTPUT" 2>/dev/null)
check "messaging message list hides the claimed message" "^[^ ]+ second " -- os messaging message list q1 --client-id "$READER" -f value
check "messaging message list --include-claimed shows it" "$FIRST .*hello" -- os messaging message list q1 --client-id "$READER" --include-claimed -f value
check "messaging queue stats counts it claimed" "'claimed': 1.*'free': 1" -- os messaging queue stats q1
check "messaging claim query" "hello" -- os messaging claim query q1 "$CLAIM" -f value
check "messaging claim renew --ttl 300" "" -- os messaging claim renew q1 "$CLAIM" --ttl 300
check "messaging claim release" "" -- os messaging claim release q1 "$CLAIM"
check "messaging queue stats after release" "'claimed': 0.*'free': 2" -- os messaging queue stats q1
check "messaging queue set metadata" "" -- os messaging queue set metadata q1 '{"color": "blue", "_default_message_ttl": 120}'
check "messaging queue get metadata" '"color": "blue"' -- os messaging queue get metadata q1 -f json
expect_line "messaging queue get metadata shows Zaqar's reserved keys" '"_max_messages_post_size": 262144'
check "messaging queue list --detailed" '"_default_message_ttl": 120' -- os messaging queue list --detailed -f json
check "messaging ping" "Pingable +\| True " -- os messaging ping
check "messaging claim query after release: Zaqar's not found" "Claim $CLAIM does not exist" -- bash -c "! '$OPENSTACK' --os-cloud kiln messaging claim query q1 '$CLAIM' 2>&1"
check "messaging queue delete" "" -- os messaging queue delete q1
check "messaging queue list is empty after delete" "^$" -- os messaging queue list -f value
unset OS_MESSAGE_CLIENT_ID

# --- event sinks: a stack's events posted by kiln serve to a Zaqar queue, read back with the stock client ---
printf 'event_sinks:\n  - {type: zaqar-queue, target: kiln-events, ttl: 600}\n' > "$WORK/zaqar-sink.yaml"
check "stack create with a zaqar-queue event sink" "CREATE_COMPLETE" -- os stack create --wait -t examples/hello.yaml -e "$WORK/zaqar-sink.yaml" sinked -f value -c stack_status
sink_messages() {
    local out=""
    for _ in $(seq 1 100); do
        out=$("$OPENSTACK" --os-cloud kiln messaging message list kiln-events --client-id "$READER" --limit 20 -f json 2>&1)
        case "$out" in *"Stack CREATE completed"*) break ;; esac
        sleep 0.2
    done
    printf '%s\n' "$out" | tr -d '\n'
}
check "the stack's events arrive in the queue as Heat's event documents" "os.heat.event.*Stack CREATE completed" -- sink_messages
check "stack delete of the sinked stack" "" -- os stack delete --yes --wait sinked

check "three-tier stack delete --wait" "" -- os stack delete --yes --wait app
check "nothing left in the cloud" "^$" -- bash -c "'$OPENSTACK' --os-cloud kiln server list -f value -c ID; '$OPENSTACK' --os-cloud kiln volume list -f value -c ID; '$OPENSTACK' --os-cloud kiln loadbalancer list -f value -c id"

# --- an output that cannot be computed: the stack is fine, the output carries output_error ---
cat >"$WORK/output-error.yaml" <<'YAML'
heat_template_version: 2018-08-31
resources:
  v:
    type: OS::Heat::Value
    properties: {value: hello}
outputs:
  bad:
    value: {map_merge: [{get_attr: [v, value]}, {a: 1}]}
  good:
    value: {get_attr: [v, value]}
YAML
check "stack create with an output that cannot be computed" "CREATE_COMPLETE" -- os stack create --wait -t "$WORK/output-error.yaml" outerr
check "stack output show of it: the client reports the output_error" "Output error: .*must be maps" -- \
    bash -c "! '$OPENSTACK' --os-cloud kiln stack output show outerr bad -f json 2>&1"
check "stack output show --all: output_error beside a null value" '"output_error": ".*must be maps' -- os stack output show outerr --all -f json
expect_line "stack output show --all: the other output has its value" '"output_value": "hello"'
check "stack delete --wait of it" "" -- os stack delete --yes --wait outerr

# --- delete --wait of a one-resource stack ends cleanly; the stack stays readable by id ---
printf 'heat_template_version: 2018-08-31\nresources:\n  v: {type: OS::Heat::Value, properties: {value: x}}\n' >"$WORK/one.yaml"
check "stack create of a one-resource stack" "CREATE_COMPLETE" -- os stack create --wait -t "$WORK/one.yaml" one
ONE_ID=$(os stack show one -f value -c id)
check "stack delete --wait of a one-resource stack" "" -- os stack delete --yes --wait one
check "the deleted stack reads by id as DELETE_COMPLETE" "^DELETE_COMPLETE$" -- os stack show "$ONE_ID" -f value -c stack_status

# --- hooks (breakpoints): pre-create hooks on a resource and on one of a nested stack ---
cat >"$WORK/hook-inner.yaml" <<'YAML'
heat_template_version: 2018-08-31
resources:
  x: {type: OS::Heat::RandomString}
YAML
cat >"$WORK/hooked.yaml" <<'YAML'
heat_template_version: 2018-08-31
resources:
  a: {type: OS::Heat::RandomString}
  b: {type: OS::Heat::None, depends_on: a}
  nest: {type: hook-inner.yaml}
YAML
check "stack create --pre-create a --pre-create nest/x" "CREATE_IN_PROGRESS" -- os stack create -t "$WORK/hooked.yaml" --pre-create a --pre-create nest/x hooked -f value -c stack_status
# hook_poll PATTERN [ARGS...]: polls until the output matches (the hooks are reached shortly after the create starts).
hook_poll() {
    local pattern=$1 out=""; shift
    for _ in $(seq 1 100); do
        out=$("$OPENSTACK" --os-cloud kiln stack hook poll hooked "$@" 2>&1)
        grep -Eq -- "$pattern" <<<"$out" && break
        sleep 0.2
    done
    printf '%s\n' "$out"
}
check "stack hook poll lists the paused resource" "\| a +\| .*\| CREATE paused until Hook pre-create is cleared +\| INIT_COMPLETE" -- hook_poll " a "
check "stack hook poll --nested-depth 1 lists the nested one" "\| x +\| .*CREATE paused until Hook pre-create is cleared .*\| hooked-nest-" -- hook_poll " x " --nested-depth 1
check "stack hook clear --pre-create a" "" -- os stack hook clear --pre-create hooked a
check "stack hook clear nest/x (type from the stack's status)" "" -- os stack hook clear hooked nest/x
wait_complete() {
    local out=""
    for _ in $(seq 1 100); do
        out=$("$OPENSTACK" --os-cloud kiln stack show hooked -f value -c stack_status 2>&1)
        [ "$out" = CREATE_IN_PROGRESS ] || break
        sleep 0.2
    done
    printf '%s\n' "$out"
}
check "the stack completes once its hooks are cleared" "^CREATE_COMPLETE$" -- wait_complete
check "stack event list shows the hook cleared" "\[hooked\.a\]: INIT_COMPLETE +Hook pre-create is cleared" -- os stack event list hooked
check "stack hook clear of a hook not set is refused" 'The "pre-create" hook is not defined on' -- bash -c "! '$OPENSTACK' --os-cloud kiln stack hook clear --pre-create hooked b 2>&1"
check "stack delete of the hooked stack" "" -- os stack delete --yes --wait hooked

# --- delete ---
check "stack delete --yes --wait" "" -- os stack delete --yes --wait s2 bad
check "stack list is empty after delete" "^$" -- os stack list
check "wrong password is refused" "" -- bash -c "! '$OPENSTACK' --os-cloud kiln --os-password wrong stack list >/dev/null 2>&1"

# --- TLS: a second kiln serve with --tls-cert/--tls-key (a CA and a server certificate for
# 127.0.0.1 made here); the stock client reaches it with --os-cacert and is refused without ---
TLS=$WORK/tls
mkdir -p "$TLS"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$TLS/server.ext"
if openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=Kiln check CA" \
        -addext basicConstraints=critical,CA:TRUE -keyout "$TLS/ca-key.pem" -out "$TLS/ca.pem" >"$TLS/openssl.log" 2>&1 \
    && openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$TLS/key.pem" -out "$TLS/server.csr" >>"$TLS/openssl.log" 2>&1 \
    && openssl x509 -req -in "$TLS/server.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca-key.pem" -CAcreateserial -days 2 \
        -extfile "$TLS/server.ext" -out "$TLS/cert.pem" >>"$TLS/openssl.log" 2>&1; then
    TLS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    "$KILN" serve --host 127.0.0.1 --port "$TLS_PORT" --home "$TLS/home" --tls-cert "$TLS/cert.pem" --tls-key "$TLS/key.pem" \
        >"$TLS/serve.log" 2>&1 &
    TLS_PID=$!
    for _ in $(seq 1 300); do
        [ -f "$TLS/home/clouds.yaml" ] && curl -s -o /dev/null --cacert "$TLS/ca.pem" "https://127.0.0.1:$TLS_PORT/v3" && break
        sleep 0.1
    done
    tls_os() { OS_CLIENT_CONFIG_FILE=$TLS/home/clouds.yaml "$OPENSTACK" --os-cloud kiln "$@" 2>&1; }
    check "kiln serve --tls-cert: openstack --os-cacert CA stack list" "^\[\]$" -- tls_os --os-cacert "$TLS/ca.pem" stack list -f json
    check "kiln serve --tls-cert: the catalog says https" "https://127\.0\.0\.1:$TLS_PORT/v1/" -- tls_os --os-cacert "$TLS/ca.pem" catalog list
    check "kiln serve --tls-cert: refused without the CA" "[Cc][Ee][Rr][Tt][Ii][Ff][Ii][Cc][Aa][Tt][Ee]" -- \
        bash -c "! OS_CLIENT_CONFIG_FILE='$TLS/home/clouds.yaml' '$OPENSTACK' --os-cloud kiln stack list 2>&1"
    check "kiln serve --tls-cert: kiln's own client mode with --os-cacert" "^ID +Stack Name +Stack Status" -- \
        env OS_CLIENT_CONFIG_FILE="$TLS/home/clouds.yaml" "$KILN" stack list --os-cloud kiln --os-cacert "$TLS/ca.pem"

    # Mutual TLS: a third kiln serve with --tls-client-ca wants a client certificate the CA signed.
    if openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=kiln check client" \
            -keyout "$TLS/client-key.pem" -out "$TLS/client.csr" >>"$TLS/openssl.log" 2>&1 \
        && openssl x509 -req -in "$TLS/client.csr" -CA "$TLS/ca.pem" -CAkey "$TLS/ca-key.pem" -CAcreateserial -days 2 \
            -out "$TLS/client.pem" >>"$TLS/openssl.log" 2>&1; then
        MTLS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
        "$KILN" serve --host 127.0.0.1 --port "$MTLS_PORT" --home "$TLS/mhome" --tls-cert "$TLS/cert.pem" --tls-key "$TLS/key.pem" \
            --tls-client-ca "$TLS/ca.pem" >"$TLS/mserve.log" 2>&1 &
        MTLS_PID=$!
        for _ in $(seq 1 300); do
            [ -f "$TLS/mhome/clouds.yaml" ] && curl -s -o /dev/null --cacert "$TLS/ca.pem" --cert "$TLS/client.pem" \
                --key "$TLS/client-key.pem" "https://127.0.0.1:$MTLS_PORT/v3" && break
            sleep 0.1
        done
        mtls_os() { OS_CLIENT_CONFIG_FILE=$TLS/mhome/clouds.yaml "$OPENSTACK" --os-cloud kiln --os-cacert "$TLS/ca.pem" "$@" 2>&1; }
        check "kiln serve --tls-client-ca: openstack --os-cert/--os-key stack list" "^\[\]$" -- \
            mtls_os --os-cert "$TLS/client.pem" --os-key "$TLS/client-key.pem" stack list -f json
        check "kiln serve --tls-client-ca: refused without a client certificate" "SSL|ssl|[Cc]ertificate|[Hh]andshake|[Cc]onnection" -- \
            bash -c "! OS_CLIENT_CONFIG_FILE='$TLS/mhome/clouds.yaml' '$OPENSTACK' --os-cloud kiln --os-cacert '$TLS/ca.pem' stack list 2>&1"
    else
        fail "openssl makes the mutual TLS check's client certificate" "$(cat "$TLS/openssl.log")"
    fi
else
    fail "openssl makes the TLS check's certificates" "$(cat "$TLS/openssl.log")"
fi

finish
