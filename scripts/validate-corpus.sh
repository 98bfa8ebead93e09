#!/usr/bin/env bash
# Compares Kiln's verdict with OpenStack Heat's on every HOT template under a directory (e.g. a
# checkout of openstack/heat-templates or tripleo-heat-templates).
#
# Usage: scripts/validate-corpus.sh [--kiln BINARY] [--heat-verdicts FILE] [--save-heat-verdicts FILE]
#                                   [-e ENV]... DIR [KILN_BINARY]
#
# Kiln validates the whole tree in one run (`kiln template validate DIR --format json`); Heat 27
# (/work/shared/tools/heat-oracle, or $HEAT_ORACLE) validates the same files in one call, about
# 0.35 s a file. --heat-verdicts reads Heat's verdicts from a file instead (lines `PATH: ok` or
# `PATH: error: MESSAGE`, paths absolute or relative to DIR, as heat-oracle prints them);
# --save-heat-verdicts keeps the ones Heat just gave, to re-use.
#
# Heat errors that come from Heat's surroundings rather than the template are not comparable:
# a service that is not there (HEAT-E99001), a file Heat could not fetch, a resource type
# its registry does not have (tripleo's OS::TripleO::* come from environments). Every other
# file is comparable. A file Heat accepts that Kiln refuses only for duplicate keys is counted
# apart: Kiln is stricter there by design. Prints each file whose verdicts differ, then a
# summary; exits 1 when any other comparable verdict differs, 2 on a usage or tool error.
set -uo pipefail

kiln=""; heat_file=""; save_heat=""; envs=(); dir=""
while [ $# -gt 0 ]; do
  case "$1" in
    --kiln) kiln=${2:?--kiln needs a binary}; shift 2 ;;
    --heat-verdicts) heat_file=${2:?--heat-verdicts needs a file}; shift 2 ;;
    --save-heat-verdicts) save_heat=${2:?--save-heat-verdicts needs a file}; shift 2 ;;
    -e) envs+=("$(realpath "${2:?-e needs a file}")"); shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "validate-corpus: unknown option $1" >&2; exit 2 ;;
    *) if [ -z "$dir" ]; then dir=$1; elif [ -z "$kiln" ]; then kiln=$1; else echo "validate-corpus: too many arguments" >&2; exit 2; fi; shift ;;
  esac
done
[ -n "$dir" ] && [ -d "$dir" ] || { echo "usage: validate-corpus.sh [--kiln BINARY] [--heat-verdicts FILE] [--save-heat-verdicts FILE] [-e ENV]... DIR" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "$kiln" ]; then
  kiln="$root/.build/release/kiln"; [ -x "$kiln" ] || kiln="$root/.build/debug/kiln"
fi
kiln=$(realpath "$kiln")
[ -x "$kiln" ] || { echo "validate-corpus: no kiln binary at $kiln (swift build first)" >&2; exit 2; }
oracle=${HEAT_ORACLE:-/work/shared/tools/heat-oracle/heat-oracle}
dir=$(realpath "$dir")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Kiln: the whole tree in one run, paths named ./x.yaml relative to DIR.
env_args=(); for e in "${envs[@]+"${envs[@]}"}"; do env_args+=(-e "$e"); done
(cd "$dir" && "$kiln" template validate . "${env_args[@]+"${env_args[@]}"}" --format json) >"$work/kiln.json" 2>"$work/kiln.err"
status=$?
if [ $status -gt 1 ]; then
  echo "validate-corpus: kiln failed (exit $status):" >&2; cat "$work/kiln.err" >&2; exit 2
fi
jq -r '.files[].file' "$work/kiln.json" >"$work/files"
[ -s "$work/files" ] || { echo "validate-corpus: no templates under $dir" >&2; exit 2; }

# Heat: saved verdicts, or one heat-oracle call over the same files.
if [ -n "$heat_file" ]; then
  cp "$heat_file" "$work/heat.txt"
else
  heat_env=(); [ ${#envs[@]} -gt 0 ] && heat_env=(-e "${envs[-1]}")
  [ ${#envs[@]} -gt 1 ] && echo "validate-corpus: heat-oracle takes one environment; using the last" >&2
  mapfile -t files <"$work/files"
  echo "validate-corpus: asking Heat about ${#files[@]} files (about $(( ${#files[@]} * 35 / 100 )) s)..." >&2
  (cd "$dir" && "$oracle" validate "${files[@]}" "${heat_env[@]+"${heat_env[@]}"}") >"$work/heat.txt" \
    || { echo "validate-corpus: heat-oracle failed" >&2; exit 2; }
  [ -n "$save_heat" ] && cp "$work/heat.txt" "$save_heat"
fi

python3 - "$dir" "$work/kiln.json" "$work/heat.txt" <<'PY'
import json, re, sys

root, kiln_path, heat_path = sys.argv[1:4]

def key(path):
    """A file as a path relative to the tree, whichever way it was written."""
    if path.startswith(root + "/"):
        path = path[len(root) + 1:]
    while path.startswith("./"):
        path = path[2:]
    return path

ENVIRONMENTAL = [
    (re.compile(r"HEAT-E99001"), "a service Heat could not reach"),
    (re.compile(r"Could not fetch contents for file"), "a file Heat could not fetch"),
    (re.compile(r"The Resource Type \(.*?\) could not be found\."), "a resource type not in Heat's registry"),
]

heat = {}
for line in open(heat_path, encoding="utf-8"):
    line = line.rstrip("\n")
    match = re.match(r"^(.*?): (ok|error: (.*))$", line)
    if not match:
        continue
    heat[key(match.group(1))] = (match.group(2) == "ok", match.group(3) or "")

kiln = {key(f["file"]): f for f in json.load(open(kiln_path, encoding="utf-8"))["files"]}

comparable = equal = 0
differing, environmental, missing, stricter = [], {}, [], []
for name in sorted(kiln):
    if name not in heat:
        missing.append(name)
        continue
    heat_ok, heat_message = heat[name]
    kiln_ok = kiln[name]["ok"]
    reason = None if heat_ok else next((why for pattern, why in ENVIRONMENTAL if pattern.search(heat_message)), None)
    if reason:
        environmental[reason] = environmental.get(reason, 0) + 1
        continue
    comparable += 1
    if heat_ok == kiln_ok:
        equal += 1
    elif heat_ok and all(e["message"].startswith("duplicate key") for e in kiln[name]["errors"]):
        # Kiln is stricter here by design (issue 13 item 1): Python's loader keeps the last of
        # two equal keys and drops the first silently; Kiln refuses the file.
        stricter.append(name)
        print(f"{name}: heat ok, kiln error by design (duplicate keys)")
        for error in kiln[name]["errors"][:3]:
            print(f"    kiln: {key(error['file'])}:{error['line']}:{error['column']}: {error['message']}")
    else:
        differing.append(name)
        print(f"{name}: heat {'ok' if heat_ok else 'error'}, kiln {'ok' if kiln_ok else 'error'}")
        if not heat_ok:
            print(f"    heat: {heat_message}")
        for error in kiln[name]["errors"][:3]:
            print(f"    kiln: {key(error['file'])}:{error['line']}:{error['column']}: {error['message']}")
        if len(kiln[name]["errors"]) > 3:
            print(f"    kiln: ... {len(kiln[name]['errors']) - 3} more")

for name in missing:
    print(f"{name}: no verdict from Heat", file=sys.stderr)
not_comparable = sum(environmental.values())
print()
print(f"templates: {len(kiln)}; not comparable (Heat's surroundings): {not_comparable}"
      + "".join(f"\n    {count} {why}" for why, count in sorted(environmental.items())))
print(f"comparable: {comparable}; equal verdicts: {equal}; differing: {len(differing)}"
      + (f"; Kiln stricter by design (duplicate keys): {len(stricter)}" if stricter else "")
      + (f"; without a Heat verdict: {len(missing)}" if missing else ""))
sys.exit(1 if differing else 0)
PY
