#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS: scripts/fuzz.sh template|environment|json SECONDS [LIBFUZZER-OPTION...]
# Builds fuzz/ (its own package: KilnModel and KilnTemplate compiled with -sanitize=fuzzer,address)
# (in release; KILN_FUZZ_CONFIGURATION=debug builds in a third of the time, for short runs such
# as CI's), then fuzzes from the seed corpus fuzz/seeds/TARGET into a working corpus kept in
# fuzz/.build/corpus/TARGET (it grows across runs). A crash, a hang (> 10 s for one input) or more than
# 2 GiB resident stops the run, leaves the input in fuzz/.build/crashes/TARGET/ and fails; copy it to
# Tests/KilnTemplateTests/FuzzRegressions/TARGET/ so `swift test` replays it (FuzzRegressionTests).
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh template|environment|json SECONDS}"
seconds="${2:?usage: scripts/fuzz.sh template|environment|json SECONDS}"
shift 2
case "$target" in
    template) product=FuzzTemplate ;;
    environment) product=FuzzEnvironment ;;
    json) product=FuzzJSON ;;
    *) echo "fuzz.sh: unknown target $target (template, environment or json)" >&2; exit 2 ;;
esac
# The targets call libFuzzer's driver from their own main (fuzz/Sources/CFuzzDriver); lld: gold fails on the link.
configuration="${KILN_FUZZ_CONFIGURATION:-release}"
swift build -c "$configuration" --package-path fuzz --product "$product" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >&2
binary="$(swift build -c "$configuration" --package-path fuzz --show-bin-path)/$product"
work="fuzz/.build/corpus/$target"
crashes="fuzz/.build/crashes/$target"
mkdir -p "$work" "$crashes"
log="$(mktemp)"
status=0
# -detect_leaks=0 (while fuzzing) and ASAN_OPTIONS=detect_leaks=0 (at exit): LeakSanitizer reports
# the blocks Foundation's NSRegularExpression keeps for the process's life (after a million inputs,
# 119 blocks, 115 KiB in all, attributed to whichever input ran last): not a leak that grows; memory
# that does grow is caught by -rss_limit_mb.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -detect_leaks=0 \
    -artifact_prefix="$crashes/" -print_final_stats=1 "$@" "$work" "fuzz/seeds/$target" 2>"$log" || status=$?
grep -E "^(==|#[0-9]+ +DONE|Done|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|artifact_prefix|Test unit written)" "$log" \
    | grep -v "^==.*INFO" >&2 || true
[ "$status" -eq 0 ] || { tail -40 "$log" >&2; echo "fuzz.sh: $target failed: see $crashes/" >&2; }
rm -f "$log"
exit "$status"
