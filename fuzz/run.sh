#!/usr/bin/env bash
# Run every fuzz target (or those named) for SECONDS each, on stable Rust via cargo-fuzz
# without a sanitizer (`-s none`: nightly is not available here); debug assertions and
# overflow checks are on. Crashes land in fuzz/artifacts/TARGET/; each one found becomes a
# regression test in the crate it hit.
#   fuzz/run.sh 600                 # all targets, 10 minutes each
#   fuzz/run.sh 60 python archive   # two targets, 1 minute each
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
python3 -I seed.py
for target in "${targets[@]}"; do
    echo "== $target: ${seconds}s"
    mkdir -p "corpus/$target" "artifacts/$target"
    cargo fuzz run -s none --debug-assertions "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 2>&1 | tee "artifacts/$target/last-run.log" | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|Done)" || true
done
