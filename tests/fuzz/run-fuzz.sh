#!/bin/sh
# Runs each libFuzzer target for a bounded time, starting from its seed corpus in
# tests/fuzz/corpus/NAME. New inputs go to BUILD/fuzz/corpus/NAME (the seed corpus stays as it
# is); crashes are written under BUILD/fuzz/crashes/. Exits 1 if any target found a crash.
#
#   tests/fuzz/run-fuzz.sh BUILD_FUZZ_DIR SECONDS TARGET...
dir=$1
secs=$2
shift 2
cd "$(dirname "$0")/../.." || exit 2
status=0
for z in "$@"; do
    name=${z#fuzz_}
    mkdir -p "$dir/corpus/$name" "$dir/crashes/$name"
    echo "fuzz: $z for ${secs}s"
    if ! "$dir/bin/$z" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$dir/crashes/$name/" "$dir/corpus/$name" "tests/fuzz/corpus/$name" \
        >"$dir/$name.log" 2>&1; then
        echo "fuzz: $z FAILED, see $dir/$name.log and $dir/crashes/$name/"
        tail -n 30 "$dir/$name.log"
        status=1
    else
        grep -E 'stat::number_of_executed_units|cov:' "$dir/$name.log" | tail -n 2
    fi
done
exit $status
