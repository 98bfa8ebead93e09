#!/usr/bin/env bash
# Validates every HOT template under a directory (e.g. a checkout of openstack/heat-templates)
# with `kiln template validate`, and prints a summary of what failed and why.
# Usage: scripts/validate-corpus.sh DIR [KILN_BINARY]
set -uo pipefail
dir=${1:?usage: validate-corpus.sh DIR [KILN_BINARY]}
kiln=${2:-.build/debug/kiln}
pass=0; fail=0; unknown_only=0
report=$(mktemp)
while IFS= read -r -d '' file; do
  grep -q '^heat_template_version' "$file" || continue
  if out=$("$kiln" template validate -t "$file" --format json 2>&1 >/dev/null); then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    if ! grep -v "could not be found" <<<"$out" | grep -q "error:"; then unknown_only=$((unknown_only + 1)); fi
    printf '== %s\n%s\n' "$file" "$out" >>"$report"
  fi
done < <(find "$dir" -name '*.yaml' -print0 | sort -z)
cat "$report"
echo "templates: $((pass + fail)); valid: $pass; failing only on unknown resource types: $unknown_only; other failures: $((fail - unknown_only))"
echo "$pass passed, $fail failed"
rm -f "$report"
